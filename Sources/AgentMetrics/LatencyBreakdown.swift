public import Traces

/// Where an attempt's end-to-end time went, along its critical path, in seconds.
///
/// - `queue`: scheduled → sent on the client, plus the admission wait the server reports.
/// - `prefill`: sent → first token, less the server's admission wait (TTFT's compute part);
///   the whole call for embeddings and calls that returned no token.
/// - `decode`: first token → end.
/// - `tool`: tool execution (sent → end).
/// - `orchestration`: time in no step: the agent's own work between steps, and for
///   delegations the time outside the slowest sub-agent.
///
/// A delegation contributes the breakdown of its slowest sub-agent (the one that ends last),
/// which is what the parent waited for.
public struct LatencyBreakdown: Sendable, Hashable, Codable {
    /// Seconds waiting: scheduled → sent on the client, plus the admission wait the server reports.
    public var queue: Double = 0
    /// Seconds from sent to first token, less the admission wait; the whole call for calls without a first token.
    public var prefill: Double = 0
    /// Seconds from first token to end.
    public var decode: Double = 0
    /// Seconds of tool execution, sent → end.
    public var tool: Double = 0
    /// Seconds in no step: the agent's own work, and a delegation's time outside its slowest sub-agent.
    public var orchestration: Double = 0

    /// A breakdown with the given components, in seconds; those left out are 0.
    public init(queue: Double = 0, prefill: Double = 0, decode: Double = 0, tool: Double = 0, orchestration: Double = 0) {
        self.queue = queue
        self.prefill = prefill
        self.decode = decode
        self.tool = tool
        self.orchestration = orchestration
    }

    /// Sum of the five components, in seconds: for one attempt, its task latency unless its steps overlapped.
    public var total: Double { queue + prefill + decode + tool + orchestration }

    /// Components in a fixed order, for tables and for choosing a bottleneck.
    public var components: [(name: String, seconds: Double)] {
        [("queue", queue), ("prefill", prefill), ("decode", decode), ("tool", tool), ("orchestration", orchestration)]
    }

    /// The two breakdowns added component by component.
    public static func + (lhs: LatencyBreakdown, rhs: LatencyBreakdown) -> LatencyBreakdown {
        LatencyBreakdown(
            queue: lhs.queue + rhs.queue, prefill: lhs.prefill + rhs.prefill, decode: lhs.decode + rhs.decode,
            tool: lhs.tool + rhs.tool, orchestration: lhs.orchestration + rhs.orchestration)
    }

    /// Adds `rhs` to `lhs` component by component.
    public static func += (lhs: inout LatencyBreakdown, rhs: LatencyBreakdown) { lhs = lhs + rhs }

    /// The breakdown of one attempt, or `nil` if its timestamps are incomplete.
    public static func of(_ attempt: LoggedAttempt) -> LatencyBreakdown? {
        guard let start = attempt.record.scheduled, let end = attempt.record.end else { return nil }
        let children = Dictionary(grouping: attempt.steps.filter { $0.parentStepID != nil }, by: { $0.parentStepID! })
        return breakdown(of: attempt.steps.filter { $0.parentStepID == nil }, from: start, to: end, children: children)
    }

    private static func breakdown(
        of steps: [StepRecord], from start: Int64, to end: Int64, children: [String: [StepRecord]]
    ) -> LatencyBreakdown? {
        var result = LatencyBreakdown()
        var covered: Int64 = 0
        for step in steps.sorted(by: { ($0.timing.scheduled ?? 0) < ($1.timing.scheduled ?? 0) }) {
            guard let scheduled = step.timing.scheduled, let sent = step.timing.sent, let stepEnd = step.timing.end else {
                return nil
            }
            covered += stepEnd - scheduled
            let serverQueue = step.timing.serverQueue ?? 0
            switch step.operation.family {
            case .model:
                result.queue += seconds(sent - scheduled + serverQueue)
                if let first = step.timing.firstToken {
                    result.prefill += seconds(first - sent - serverQueue)
                    result.decode += seconds(stepEnd - first)
                } else {
                    result.prefill += seconds(stepEnd - sent - serverQueue)
                }
            case .tool:
                result.queue += seconds(sent - scheduled)
                result.tool += seconds(stepEnd - sent)
            case .decision:
                break
            case .delegation:
                let subAgents = Dictionary(grouping: children[step.stepID] ?? [], by: \.agentID)
                let slowest = subAgents.values.max { lastEnd($0) < lastEnd($1) }
                if let slowest, let sub = breakdown(of: slowest, from: scheduled, to: stepEnd, children: children) {
                    result += sub
                } else {
                    result.orchestration += seconds(stepEnd - scheduled)
                }
            }
        }
        result.orchestration += seconds(max(0, end - start - covered))
        return result
    }

    private static func lastEnd(_ steps: [StepRecord]) -> Int64 { steps.compactMap(\.timing.end).max() ?? 0 }
    private static func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }
}
