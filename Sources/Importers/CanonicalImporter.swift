package import Foundation
package import Traces

/// AgentPerf's own trace files (`traces.jsonl`), streamed line by line into a sink.
package enum CanonicalImporter {
    package static let format = "agentperf"

    package static func sniff(_ head: String) -> Bool {
        head.contains("\"schema_version\"") && head.contains("\"record\"")
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        var reader: LineReader
        do { reader = try LineReader(url: url) } catch {
            throw ImportError.cannotRead(path: url.path, reason: FileErrors.describe(error))
        }
        let decoder = JSONDecoder()
        var began = false
        while let line = try reader.next() {
            guard line.bytes.contains(where: { $0 != 0x20 }) else { continue }
            do {
                switch try decoder.decode(TraceRecord.self, from: Data(line.bytes)) {
                case .run(let run):
                    try sink.begin(run)
                    began = true
                case .step(let step): try sink.step(step)
                case .attempt(let attempt): try sink.attempt(attempt)
                case .window: break
                }
            } catch let error as DecodingError {
                sink.diagnostic(
                    TraceDiagnostic(
                        severity: line.isTerminated ? .error : .warning, file: url.path, line: line.number,
                        message: line.isTerminated
                            ? DecodingProblem.describe(error, in: line.bytes) : "incomplete last record; ignored"))
            }
        }
        if !began {
            sink.diagnostic(TraceDiagnostic(severity: .warning, file: url.path, line: nil, message: "no run header"))
        }
    }
}
