/// A strict RFC 8259 reader from UTF-8 bytes to a `JSONValue`, for the hot paths that read one
/// small JSON document per streamed event (a Chat Completions chunk, a usage chunk).
///
/// Written by hand because Foundation's readers are the only JSON parsers among the listed
/// packages, and both cost far more per small document than the document's size: `JSONDecoder`
/// goes through `Codable`'s keyed containers, `JSONSerialization` builds bridged Foundation
/// objects. docs/PERFORMANCE.md ("The recording gateway") has the profile that led here. Nesting
/// is limited to `maximumDepth`, so a hostile document cannot exhaust the stack. Stricter than
/// Foundation's decoder on trailing commas (refused) and, in a string, more lenient on invalid
/// UTF-8 (repaired to U+FFFD): callers that must accept what Foundation accepts fall back to it.
package enum JSONReader {
    /// The deepest nesting of arrays and objects accepted.
    package static let maximumDepth = 256

    /// Why a document is not JSON, with the byte offset where reading stopped.
    package struct Problem: Error, Sendable, Equatable {
        package var offset: Int
        package var expected: String
    }

    /// Parses one JSON document (surrounding whitespace allowed, nothing else after it).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> JSONValue {
        var cursor = Cursor(bytes: bytes)
        let value = try cursor.value(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == bytes.count else { throw cursor.problem("the end of the document") }
        return value
    }

    /// The keys of a document's top-level object, in order, read without building any value
    /// (to tell formats apart by keys that may come after megabytes of other data); `nil` when
    /// the document is not a JSON object.
    package static func topLevelKeys(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        var cursor = Cursor(bytes: bytes)
        return try? cursor.objectKeys()
    }

    /// Parses one JSON document from raw bytes (a network buffer); `nil` when it is not valid JSON.
    package static func parse(raw bytes: UnsafeRawBufferPointer) -> JSONValue? {
        bytes.withMemoryRebound(to: UInt8.self) { try? parse($0) }
    }

    /// Parses JSON text; `nil` when it is not valid JSON.
    package static func parse(_ text: String) -> JSONValue? {
        var text = text
        return text.withUTF8 { try? parse($0) }
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func problem(_ expected: String) -> JSONReader.Problem { .init(offset: index, expected: expected) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONReader.Problem) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw problem("a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    /// The top-level object's keys, skipping every value.
    mutating func objectKeys() throws(JSONReader.Problem) -> [String] {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw problem("an object") }
        index += 1
        var keys: [String] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return keys }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw problem("a quoted key") }
            keys.append(try string())
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw problem("':' after a key") }
            index += 1
            try skipValue(depth: 1)
            skipWhitespace()
            guard index < bytes.count else { throw problem("',' or '}'") }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: "}") { return keys }
            guard separator == UInt8(ascii: ",") else { throw problem("',' or '}'") }
        }
    }

    /// Moves past one value without building it: strings scanned for their closing quote,
    /// containers by their brackets (nesting bounded as in parsing).
    private mutating func skipValue(depth: Int) throws(JSONReader.Problem) {
        skipWhitespace()
        guard index < bytes.count else { throw problem("a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { throw problem("a closing quote") }
            index += 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < JSONReader.maximumDepth else { throw problem("at most \(JSONReader.maximumDepth) levels of nesting") }
            let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == close {
                index += 1
                return
            }
            while true {
                if close == UInt8(ascii: "}") {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw problem("a quoted key") }
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw problem("':' after a key") }
                    index += 1
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw problem("a separator") }
                let separator = bytes[index]
                index += 1
                if separator == close { return }
                guard separator == UInt8(ascii: ",") else { throw problem("a separator") }
            }
        default:
            _ = try value(depth: depth)  // a number or a literal: small
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONReader.Problem) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(
                UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw problem("\(word)") }
        index += count
    }

    private mutating func object(depth: Int) throws(JSONReader.Problem) -> JSONValue {
        guard depth <= JSONReader.maximumDepth else { throw problem("at most \(JSONReader.maximumDepth) levels of nesting") }
        index += 1  // {
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw problem("a quoted key") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw problem("':' after a key") }
            index += 1
            let value = try value(depth: depth)
            // The first of duplicate keys wins, as in Foundation's decoder.
            if fields[key] == nil { fields[key] = value }
            skipWhitespace()
            guard index < bytes.count else { throw problem("',' or '}'") }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: "}") { return .object(fields) }
            guard separator == UInt8(ascii: ",") else {
                index -= 1
                throw problem("',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONReader.Problem) -> JSONValue {
        guard depth <= JSONReader.maximumDepth else { throw problem("at most \(JSONReader.maximumDepth) levels of nesting") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw problem("',' or ']'") }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: "]") { return .array(elements) }
            guard separator == UInt8(ascii: ",") else {
                index -= 1
                throw problem("',' or ']'")
            }
        }
    }

    /// A quoted string; the cursor is on the opening quote.
    private mutating func string() throws(JSONReader.Problem) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, the common case, taken as one slice.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw problem("no control characters inside a string") }
            index += 1
        }
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &decoded)
            case 0..<0x20:
                index -= 1
                throw problem("no control characters inside a string")
            default:
                decoded.append(byte)
            }
        }
        throw problem("a closing quote")
    }

    private mutating func escape(into decoded: inout [UInt8]) throws(JSONReader.Problem) {
        guard index < bytes.count else { throw problem("an escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            // A high surrogate must pair with a following \uDC00–\uDFFF; a lone one is refused, as
            // Foundation's decoder refuses it (so a caller that falls back to it gets its verdict).
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw problem("a low surrogate after a high one") }
                index += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw problem("a low surrogate after a high one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw problem("a high surrogate before a low one")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw problem("a Unicode scalar") }
            UTF8.encode(unicode) { decoded.append($0) }
        default:
            index -= 1
            throw problem("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
        }
    }

    private mutating func hexQuad() throws(JSONReader.Problem) -> UInt32 {
        guard bytes.count - index >= 4 else { throw problem("four hex digits") }
        var scalar: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw problem("four hex digits")
            }
            scalar = scalar << 4 | UInt32(digit)
            index += 1
        }
        return scalar
    }

    /// A number in RFC 8259's grammar (no leading zeros, no `+`, no bare `.`).
    private mutating func number() throws(JSONReader.Problem) -> Double {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw problem("a value") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw problem("a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw problem("a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            index = start
            throw problem("a number within Double's range")
        }
        return number
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
