package import Traces

/// Why a run could not start or finish.
package struct HarnessError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotCreateOutput(path: String, reason: String)
        case traceWriteFailed(TraceError)
        case missingAPIKey(variable: String, backend: String)
        case toolsFailed(String)
        case invalidEndpoint(String)
        case fleetFailed(String)
        case notInVirtualTime(String)
        case unknownVariant(name: String, known: [String])
        case variantsNeedClosedLoop
        case endpointCheckFailed(backend: String, String)
        case cannotShard(String)
    }
    private let code: Code

    package static func cannotCreateOutput(path: String, reason: String) -> HarnessError {
        HarnessError(code: .cannotCreateOutput(path: path, reason: reason))
    }
    package static func traceWriteFailed(_ error: TraceError) -> HarnessError { HarnessError(code: .traceWriteFailed(error)) }
    package static func missingAPIKey(variable: String, backend: String = "endpoint") -> HarnessError {
        HarnessError(code: .missingAPIKey(variable: variable, backend: backend))
    }
    /// An MCP server or a retrieval corpus could not be set up.
    package static func toolsFailed(_ reason: String) -> HarnessError { HarnessError(code: .toolsFailed(reason)) }
    package static func invalidEndpoint(_ url: String) -> HarnessError { HarnessError(code: .invalidEndpoint(url)) }
    package static func fleetFailed(_ reason: String) -> HarnessError { HarnessError(code: .fleetFailed(reason)) }
    /// The workload uses something real (a server, a process) that a virtual clock cannot time.
    package static func notInVirtualTime(_ reason: String) -> HarnessError { HarnessError(code: .notInVirtualTime(reason)) }
    /// `--variants` on a workload with open-loop arrivals.
    package static let variantsNeedClosedLoop = HarnessError(code: .variantsNeedClosedLoop)
    /// The pre-flight check of an endpoint failed: unreachable, credentials refused, or a model not served.
    package static func endpointCheckFailed(backend: String, _ reason: String) -> HarnessError {
        HarnessError(code: .endpointCheckFailed(backend: backend, reason))
    }
    /// `--shard` or `--start-at` on a run that cannot be split or started at that time.
    package static func cannotShard(_ reason: String) -> HarnessError { HarnessError(code: .cannotShard(reason)) }
    package static func unknownVariant(_ name: String, known: [String]) -> HarnessError {
        HarnessError(code: .unknownVariant(name: name, known: known))
    }

    /// True when the user can fix it by changing the input (exit code 2).
    package var isBadInput: Bool {
        switch code {
        case .missingAPIKey, .invalidEndpoint, .cannotCreateOutput, .toolsFailed, .notInVirtualTime, .unknownVariant,
            .variantsNeedClosedLoop, .endpointCheckFailed, .cannotShard:
            true
        case .traceWriteFailed, .fleetFailed: false
        }
    }

    package var description: String {
        switch code {
        case .cannotCreateOutput(let path, let reason): "cannot create the output directory \(path): \(reason)"
        case .traceWriteFailed(let error): "\(error); the attempts written before this point are intact"
        case .missingAPIKey(let variable, let backend):
            "backend \"\(backend)\" reads its API key from $\(variable), which is not set; export it and run again"
        case .toolsFailed(let reason): "cannot set up the workload's tools: \(reason)"
        case .invalidEndpoint(let problem): "--endpoint: \(problem)"
        case .fleetFailed(let reason): "the simulated fleet failed: \(reason)"
        case .notInVirtualTime(let reason): "this workload cannot run in virtual time: \(reason)"
        case .variantsNeedClosedLoop:
            "--variants: variant runs pair attempts in closed loops; this workload's load has arrival: \u{2026} (drop it, or run without --variants)"
        case .endpointCheckFailed(let backend, let reason):
            "backend \"\(backend)\", checked before the first level: \(reason) (--no-preflight skips this check)"
        case .cannotShard(let reason): reason
        case .unknownVariant(let name, let known):
            known.isEmpty
                ? "--variants: the workload declares no variants (add a variants: section; docs/ROUTING.md)"
                : "--variants: no variant \"\(name)\"; the workload declares \(known.joined(separator: ", "))"
        }
    }
}
