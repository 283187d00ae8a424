import Foundation

/// Reads RFC 4180 CSV a record at a time in fixed-size chunks: quoted fields may hold commas,
/// doubled quotes and newlines (RouterBench's tables keep whole prompts and replies in cells).
///
/// Hand-written because none of the project's packages reads CSV, and Foundation has no reader.
/// Memory is bounded: a record longer than `maxRecordBytes` or with more than `maxFields`
/// fields is an error, not an allocation.
struct CSVReader {
    /// One record: its fields' bytes (quotes removed, doubled quotes undone) and where it starts.
    struct Record {
        /// 1-based line of the file the record starts on.
        var line: Int
        private(set) var bytes: [UInt8] = []
        private(set) var ends: [Int] = []
        /// 1-based line each field starts on (a quoted field may span lines).
        private(set) var lines: [Int] = []
        private var fieldLine: Int?

        init(line: Int) { self.line = line }

        var count: Int { ends.count }

        /// The bytes of field `index` (0-based); empty when the record is shorter.
        func field(_ index: Int) -> ArraySlice<UInt8> {
            guard index < ends.count else { return [] }
            let start = index == 0 ? 0 : ends[index - 1]
            return bytes[start..<ends[index]]
        }

        /// Field `index` as a string, spaces and tabs around it trimmed.
        func string(_ index: Int) -> String {
            var bytes = field(index)
            while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// The line field `index` starts on.
        func line(ofField index: Int) -> Int { index < lines.count ? lines[index] : line }

        mutating func reset(line: Int) {
            self.line = line
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }

        mutating func startField(line: Int) { fieldLine = line }

        mutating func append(_ byte: UInt8) { bytes.append(byte) }
        mutating func append(contentsOf slice: ArraySlice<UInt8>) { bytes.append(contentsOf: slice) }
        mutating func endField() {
            ends.append(bytes.count)
            lines.append(fieldLine ?? line)
        }
    }

    /// Why a file is not CSV this reader accepts, at a line.
    struct Failure: Error {
        var line: Int
        var message: String
    }

    static let maxRecordBytes = 64 << 20
    static let maxFields = 100_000

    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 1
    private var atEndOfFile = false
    private var atStart = true

    /// Opens `url`; throws if it cannot be opened.
    init(url: URL, chunkSize: Int = 1 << 20) throws {
        handle = try FileHandle(forReadingFrom: url)
        self.chunkSize = chunkSize
    }

    /// Fills `record` with the next record; false at the end of the file. Blank lines are skipped.
    mutating func next(into record: inout Record) throws -> Bool {
        if atStart {
            atStart = false
            // A UTF-8 byte order mark (Excel's CSV export writes one) is not part of the first header.
            if try ensureByte(), buffer.count - position >= 3, buffer[position..<position + 3].elementsEqual([0xEF, 0xBB, 0xBF]) {
                position += 3
            }
        }
        while true {
            guard try ensureByte() else { return false }
            if buffer[position] == 0x0A || buffer[position] == 0x0D {
                consumeLineEnd()
                continue
            }
            break
        }
        record.reset(line: line)
        fields: while true {
            try readField(into: &record)
            guard record.count <= Self.maxFields else {
                throw Failure(line: record.line, message: "more than \(Self.maxFields) fields in one record")
            }
            guard try ensureByte() else { return true }
            switch buffer[position] {
            case 0x2C: position += 1
            case 0x0A, 0x0D:
                consumeLineEnd()
                break fields
            default: preconditionFailure("a field ends at a comma, a line end or the end of the file")
            }
        }
        return true
    }

    private mutating func readField(into record: inout Record) throws {
        record.startField(line: line)
        guard try ensureByte() else { return record.endField() }
        if buffer[position] == 0x22 {
            position += 1
            while true {
                guard try ensureByte() else {
                    throw Failure(line: record.line, message: "a quoted field is not closed before the end of the file")
                }
                let byte = buffer[position]
                if byte == 0x22 {
                    position += 1
                    if try ensureByte(), buffer[position] == 0x22 {
                        record.append(0x22)
                        position += 1
                        continue
                    }
                    break
                }
                // A line ends at LF, CRLF or a lone CR, inside quotes as outside.
                if byte == 0x0A || (byte == 0x0D && !(position + 1 < buffer.count && buffer[position + 1] == 0x0A)) { line += 1 }
                record.append(byte)
                position += 1
                try checkSize(record)
            }
            // Anything between the closing quote and the separator is kept, as lenient readers do.
        }
        while try ensureByte() {
            let rest = buffer[position...]
            let end = rest.firstIndex { $0 == 0x2C || $0 == 0x0A || $0 == 0x0D } ?? buffer.endIndex
            record.append(contentsOf: buffer[position..<end])
            position = end
            try checkSize(record)
            if end < buffer.endIndex { break }
        }
        record.endField()
    }

    private func checkSize(_ record: Record) throws {
        if record.bytes.count > Self.maxRecordBytes {
            throw Failure(line: record.line, message: "a record longer than \(Self.maxRecordBytes >> 20) MiB")
        }
    }

    private mutating func consumeLineEnd() {
        if buffer[position] == 0x0D {
            position += 1
            if (try? ensureByte()) == true, buffer[position] == 0x0A { position += 1 }
        } else {
            position += 1
        }
        line += 1
    }

    /// True when a byte is available at `position`, reading the next chunk if needed.
    private mutating func ensureByte() throws -> Bool {
        if position < buffer.count { return true }
        if atEndOfFile { return false }
        buffer.removeAll(keepingCapacity: true)
        position = 0
        if let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            buffer.append(contentsOf: chunk)
            return true
        }
        atEndOfFile = true
        try handle.close()
        return false
    }
}
