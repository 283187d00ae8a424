import Foundation
import Importers
import RunTarget
import Traces
import WireFormats

/// One reader under the fuzzer: it is handed arbitrary bytes and must return, throw a typed
/// error, or report diagnostics — never trap, hang or allocate without bound.
struct FuzzTarget: Sendable {
    let name: String
    /// Reads one input; errors are expected outcomes, not findings.
    let run: @Sendable (Data) -> Void

    /// Every target, by the name `scripts/fuzz.sh` runs it under.
    static let all: [FuzzTarget] =
        [
            FuzzTarget(name: "sse") { data in
                // Split as a network would, so state carried across buffers is exercised.
                var parser = ServerSentEventParser(maximumEventBytes: 1 << 20)
                let bytes = Array(data)
                let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
                _ = parser.parse(bytes[..<cut])
                _ = parser.parse(bytes[cut...])
                _ = parser.hasIncompleteEvent
            },
            FuzzTarget(name: "json") { data in _ = JSONValue(parsing: String(decoding: data, as: UTF8.self)) },
            FuzzTarget(name: "workload") { data in
                _ = try? RunSpecLoader.load(yaml: String(decoding: data, as: UTF8.self), source: "fuzz.yaml")
            },
        ]
        + TraceFormat.allCases.map { format in
            FuzzTarget(name: "import-\(format.rawValue)") { data in
                // The readers take files (they stream them): one scratch file per format.
                let url = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "agentperf-fuzz-\(ProcessInfo.processInfo.processIdentifier).\(format.fileExtension)")
                guard (try? data.write(to: url)) != nil else { return }
                var sink = CollectingSink()
                try? format.read(url, into: &sink)
            }
        }
}

extension TraceFormat {
    /// The extension a file of this format is read under (detection is not what is fuzzed).
    var fileExtension: String {
        switch self {
        case .inspectEval: "eval"
        case .sweAgent: "traj"
        case .inspect, .openhands, .tauBench: "json"
        case .agentperf, .claudeCode, .otlp, .codex, .geminiCLI: "jsonl"
        }
    }
}
