import AgentMetrics
import Foundation
import Pricing
import Traces

/// One rule per failure mode (or a pair of opposite modes, like over- and under-routing): it
/// reads the input and says, per mode, what it found or what it would need.
protocol DiagnosisRule: Sendable {
    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)]
}

/// Thresholds shared by the rules that compare paired configurations.
enum PairedThresholds {
    /// Fewer paired items of a task than this, and the task is not assessed.
    static let minimumPairs = 5
}

extension Array where Element == AttemptFacts {
    var steps: [StepReference] { flatMap(\.steps) }
    var ids: [String] { map(\.id) }
    var cost: Double { reduce(0) { $0 + $1.cost } }
    var seconds: Double { reduce(0) { $0 + ($1.latency ?? 0) } }
}
