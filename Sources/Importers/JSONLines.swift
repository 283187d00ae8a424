import Foundation
import Traces

/// The line loop every JSON Lines importer shares: each non-blank line decoded as `Record`; a
/// line that does not decode is reported at its number (a cut-off last line as truncated) and
/// skipped, so one bad line never hides the rest of a file.
enum JSONLines {
    static func read<Record: Decodable, Sink: TraceSink>(
        _ type: Record.Type, from url: URL, into sink: inout Sink,
        _ body: (Record, _ line: Int, inout Sink) throws -> Void
    ) throws {
        var reader: LineReader
        do { reader = try LineReader(url: url) } catch {
            throw ImportError.cannotRead(path: url.path, reason: FileErrors.describe(error))
        }
        let decoder = JSONDecoder()
        while let line = try reader.next() {
            guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            let record: Record
            do { record = try decoder.decode(Record.self, from: Data(line.bytes)) } catch {
                sink.diagnostic(
                    TraceDiagnostic(
                        severity: .error, file: url.path, line: line.number,
                        message: line.isTerminated ? DecodingProblem.describe(error) : "truncated last line (incomplete JSON)"))
                continue
            }
            try body(record, line.number, &sink)
        }
    }
}
