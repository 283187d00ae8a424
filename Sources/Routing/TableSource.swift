import Foundation
import SpecDecoding
import Traces

/// Rows of a CSV or JSON Lines file, by column: what the table readers share.
protocol TableSource {
    /// Column names: the CSV header, or the keys of the first JSON object in sorted order.
    var header: [String] { get }
    /// True when problems should name the CSV column position (false: the JSON field name).
    var hasColumnPositions: Bool { get }
    /// The next row's line and the values of `columns` (nil: absent, empty or JSON null), or a
    /// problem with one row that the rest of the file survives; nil at the end. Throws when the
    /// rest of the file cannot be read.
    mutating func next(columns: [Int]) throws(InputProblem) -> SourceRow?
    /// The line column `column` of the row just returned starts on (a CSV cell may start below its row).
    func line(ofColumn column: Int, row line: Int) -> Int
}

extension TableSource {
    func line(ofColumn column: Int, row line: Int) -> Int { line }
}

/// A row of a table source, or a row that could not be read.
enum SourceRow {
    case row(line: Int, values: [String?])
    case skipped(InputProblem)
}

enum TableSources {
    /// A source over `url`: JSON Lines when the name ends in .jsonl or .json, CSV otherwise.
    static func open(_ url: URL, name: String) throws(InputProblem) -> any TableSource {
        let ext = url.pathExtension.lowercased()
        do {
            if ext == "jsonl" || ext == "json" { return try JSONLinesSource(url: url, name: name) }
            return try CSVSource(url: url, name: name)
        } catch let problem as InputProblem {
            throw problem
        } catch {
            throw InputProblem(file: name, message: "cannot be read: \(FileErrors.describe(error))")
        }
    }
}

struct CSVSource: TableSource {
    let header: [String]
    var hasColumnPositions: Bool { true }
    private var reader: CSVReader
    private var record = CSVReader.Record(line: 0)
    private let name: String

    init(url: URL, name: String) throws {
        self.name = name
        reader = try CSVReader(url: url)
        var first = CSVReader.Record(line: 0)
        do {
            guard try reader.next(into: &first) else {
                throw InputProblem(file: name, line: 1, message: "empty file: expected a header row")
            }
        } catch let failure as CSVReader.Failure {
            throw InputProblem(file: name, line: failure.line, message: failure.message)
        }
        header = (0..<first.count).map { first.string($0) }
    }

    mutating func next(columns: [Int]) throws(InputProblem) -> SourceRow? {
        do {
            guard try reader.next(into: &record) else { return nil }
        } catch let failure as CSVReader.Failure {
            throw InputProblem(file: name, line: failure.line, message: failure.message)
        } catch {
            throw InputProblem(file: name, message: "cannot be read: \(FileErrors.describe(error))")
        }
        let values = columns.map { column -> String? in
            let text = record.string(column)
            return text.isEmpty ? nil : text
        }
        return .row(line: record.line, values: values)
    }

    func line(ofColumn column: Int, row line: Int) -> Int { record.line(ofField: column) }
}

/// A JSON scalar as text: what a table cell needs from a JSON Lines row.
private struct JSONCell: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            text = nil
        } else if let flag = try? c.decode(Bool.self) {
            text = flag ? "true" : "false"
        } else if let integer = try? c.decode(Int64.self) {
            // Integers stay integers: an id 81 must match the CSV's 81, not become 81.0.
            text = String(integer)
        } else if let number = try? c.decode(Double.self) {
            text = String(number)
        } else if let string = try? c.decode(String.self) {
            text = string
        } else {
            text = "(not a scalar)"
        }
    }
}

struct JSONLinesSource: TableSource {
    private(set) var header: [String] = []
    var hasColumnPositions: Bool { false }
    private var reader: LineReader
    private var pending: [SourceRow] = []
    private var reportedKeys: Set<String> = []
    private let name: String
    private let decoder = JSONDecoder()

    init(url: URL, name: String) throws {
        self.name = name
        reader = try LineReader(url: url, maxLineBytes: 64 << 20)
        // The header is the first readable object's keys; unreadable lines before it are kept as problems.
        while let row = try readRow() {
            pending.append(row)
            if case .row = row { break }
        }
    }

    mutating func next(columns: [Int]) throws(InputProblem) -> SourceRow? {
        let row: SourceRow?
        if pending.isEmpty {
            do { row = try readRow() } catch let problem as InputProblem { throw problem } catch {
                throw InputProblem(file: name, message: "cannot be read: \(FileErrors.describe(error))")
            }
        } else {
            row = pending.removeFirst()
        }
        guard case .row(let line, let values) = row else { return row }
        return .row(line: line, values: columns.map { values[$0] })
    }

    private mutating func readRow() throws -> SourceRow? {
        while let line = try reader.next() {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                var bytes = line.bytes
                if line.number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
                let object = try decoder.decode([String: JSONCell].self, from: Data(bytes))
                if header.isEmpty {
                    header = object.keys.sorted()
                    reportedKeys = Set(header)
                } else if let late = object.keys.sorted().first(where: { !reportedKeys.contains($0) }) {
                    // Columns are the first object's keys; a key first seen later would be ignored silently.
                    reportedKeys.insert(late)
                    pending.append(.row(line: line.number, values: header.map { object[$0]?.text }))
                    return .skipped(
                        InputProblem(
                            file: name, line: line.number, field: late,
                            message:
                                "a key the first object lacks; the columns are the first object's keys, so it is ignored (give every key on the first line)"
                        ))
                }
                return .row(line: line.number, values: header.map { object[$0]?.text })
            } catch {
                return .skipped(
                    InputProblem(file: name, line: line.number, message: "not a JSON object: \(DecodingProblem.describe(error))"))
            }
        }
        return nil
    }
}
