/// Text that a format writes as a string, a list of `{text: …}` blocks, or something else
/// (which counts as no text). Shared by importers for tool results and message content.
struct FlexibleText: Decodable {
    var text: String

    private struct Block: Decodable { var text: String? }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self.text = text
        } else if let blocks = try? c.decode([Block].self) {
            text = blocks.compactMap(\.text).joined(separator: "\n")
        } else {
            text = ""
        }
    }
}

/// An identifier written as a string or a number.
struct FlexibleID: Decodable, CustomStringConvertible {
    var description: String

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            description = text
        } else if let number = try? c.decode(Int.self) {
            description = String(number)
        } else {
            description = String(try c.decode(Double.self))
        }
    }
}

/// A grader's value: Inspect's letters (C, I, P, N), a number, or a boolean; → 0…1.
struct ScoreValue: Decodable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Double.self) {
            value = number
        } else if let flag = try? c.decode(Bool.self) {
            value = flag ? 1 : 0
        } else if let letter = try? c.decode(String.self) {
            switch letter.uppercased() {
            case "C", "CORRECT", "TRUE", "YES": value = 1
            case "P", "PARTIAL": value = 0.5
            case "I", "INCORRECT", "N", "NOANSWER", "FALSE", "NO": value = 0
            default: value = Double(letter)
            }
        } else {
            value = nil  // dictionaries and lists of scores: no single value
        }
    }
}
