import Foundation
import Timekeeping
package import Traces
package import WireFormats

/// What groups a client's calls into one attempt, most explicit first.
package struct AttemptKey: Hashable, Sendable, CustomStringConvertible {
    package enum Source: String, Sendable {
        /// A path prefix: `/attempt/<id>/v1/…` (what `agent` tasks point their agents at).
        case path
        /// The `X-AgentPerf-Attempt` header.
        case header
        /// The trace id of a W3C `traceparent` header.
        case traceparent
        /// Neither: calls with the same credentials, split where the client was idle longer than the gap.
        case session
    }

    package var source: Source
    package var value: String

    package init(_ source: Source, _ value: String) {
        self.source = source
        self.value = value
    }

    package var description: String { "\(source.rawValue):\(value)" }
}

/// A call the gateway has started forwarding: which attempt and step it is.
struct CallTicket: Sendable {
    var key: AttemptKey
    var attemptID: String
    var stepID: String
    var index: Int
    /// Fields to add to the request body (a claimed attempt's `agentperf_simulate` script).
    var extraFields: [String: JSONValue]
    /// What the policy decided: the model to call instead of the requested one, or a refusal.
    var decision = CallDecision()
}

/// A policy's decision on one call.
struct CallDecision: Sendable {
    /// The model to send instead of the one requested.
    var model: String?
    /// Why the call is refused (a spent budget), in words the agent can read.
    var refusal: String?
}

/// What the routes know about the call that the policy needs.
struct PolicyContext: Sendable {
    var policy = GatewayPolicy()
    /// The client asked to escalate (`X-AgentPerf-Escalate: 1`).
    var escalateHeader = false
    /// The upstream congestion routing picked, described, and its recent queue time in seconds.
    var upstreamNote: String?
    var upstreamQueue: Double?
}

/// How an attempt the client ended itself went (`POST /attempt/<id>/end`).
package struct ReportedEnding: Sendable, Hashable, Codable {
    package var outcome: Outcome?
    package var score: Double?

    package init(outcome: Outcome? = nil, score: Double? = nil) {
        self.outcome = outcome
        self.score = score
    }
}

/// The open attempts of a gateway: assigns each call its attempt and step, infers tool steps
/// from the gaps between a reply's tool calls and the request that answers them, and closes an
/// attempt when its client ends it, goes idle for the gap, or the gateway stops.
///
/// Claimed attempts (an `agent` task's, opened with `claim`) are never closed by idleness: the
/// task takes their steps when its process exits.
package actor AttemptBook {
    private struct PendingTool {
        var name: String
        var producedAt: Int64
    }

    /// A class, mutated in place: a struct copied out of `open` and back would copy its steps on
    /// every call (quadratic in a long session's length).
    private final class OpenAttempt {
        let attemptID: String
        let task: String
        let claimed: Bool
        let firstArrival: Int64
        var lastActivity: Int64
        var lastEnd: Int64?
        var inFlight = 0
        var nextIndex = 0
        var steps: [StepRecord] = []
        var pending: [String: PendingTool] = [:]
        var lastModelError: StepErrorType?
        var extraFields: [String: JSONValue] = [:]
        // Policy state.
        var spentTokens = 0
        var spentDollars = 0.0
        var calls = 0
        var escalation: String?
        var lastFingerprint: String?
        var budgetStop: String?
        /// The client ended the attempt while calls were in flight: close when they finish.
        var pendingEnding: ReportedEnding?
        /// Models a dollar budget could not price.
        var unpricedModels: Set<String> = []

        init(
            attemptID: String, task: String, claimed: Bool, firstArrival: Int64, lastActivity: Int64,
            extraFields: [String: JSONValue] = [:]
        ) {
            self.attemptID = attemptID
            self.task = task
            self.claimed = claimed
            self.firstArrival = firstArrival
            self.lastActivity = lastActivity
            self.extraFields = extraFields
        }
    }

    package typealias Closed = @Sendable (AttemptRecord, [StepRecord]) async -> Void
    /// US dollars of `usage` on `model`, nil when unpriced (dollar budgets).
    package typealias Price = @Sendable (TokenUsage, String) -> Double?

    private let runID: String
    private let price: Price
    private let idleGapNanoseconds: Int64
    private let onClose: Closed
    private var open: [AttemptKey: OpenAttempt] = [:]
    private var attemptsOpened = 0
    /// Ids given so far: a client that reuses an attempt id after its attempt closed gets a fresh one.
    private var usedIDs: Set<String> = []

    /// - Parameters:
    ///   - idleGap: a session's attempt ends once no call was in flight for this long.
    ///   - onClose: receives every attempt that closes on its own (never claimed ones).
    package init(runID: String, idleGap: Duration, price: @escaping Price = { _, _ in nil }, onClose: @escaping Closed) {
        self.runID = runID
        self.price = price
        self.idleGapNanoseconds = idleGap.nanoseconds
        self.onClose = onClose
    }

    /// Opens the attempt `attemptID` for calls under `/attempt/<attemptID>/…`; its steps are
    /// the caller's to `take`. `extraFields` are added to every Chat Completions request body of
    /// the attempt (the built-in fleet's `agentperf_simulate` script).
    package func claim(_ attemptID: String, task: String, at now: Int64, extraFields: [String: JSONValue] = [:]) {
        usedIDs.insert(attemptID)
        open[AttemptKey(.path, attemptID)] = OpenAttempt(
            attemptID: attemptID, task: task, claimed: true, firstArrival: now, lastActivity: now,
            extraFields: extraFields)
    }

    /// Closes a claimed attempt and returns its steps in order, and how many calls were still in flight.
    package func take(_ attemptID: String) -> (steps: [StepRecord], inFlight: Int) {
        guard let attempt = open.removeValue(forKey: AttemptKey(.path, attemptID)) else { return ([], 0) }
        return (attempt.steps.sorted { $0.index < $1.index }, attempt.inFlight)
    }

    /// Starts a call: the attempt it belongs to (opened if new, or if a session's was idle past
    /// the gap) and its step; answered tool calls become tool steps first.
    func begin(
        _ key: AttemptKey, task: String?, request: CallRequest, at now: Int64, context: PolicyContext = PolicyContext()
    ) async -> CallTicket {
        if let existing = open[key], !existing.claimed, existing.inFlight == 0,
            now - existing.lastActivity >= idleGapNanoseconds
        {
            await close(key)
        }
        let attempt =
            open[key]
            ?? {
                attemptsOpened += 1
                var id = key.source == .path || key.source == .header ? key.value : "g\(attemptsOpened)"
                if usedIDs.contains(id) { id += "-\(attemptsOpened)" }
                usedIDs.insert(id)
                return OpenAttempt(
                    attemptID: id, task: task ?? "gateway", claimed: false, firstArrival: now, lastActivity: now)
            }()
        var failedTool: String?
        for result in request.toolResults {
            guard let tool = attempt.pending.removeValue(forKey: result.callID) else { continue }
            if result.isError || Self.looksFailed(result.content) { failedTool = failedTool ?? tool.name }
            attempt.steps.append(
                StepRecord(
                    runID: runID, attemptID: attempt.attemptID, stepID: "s\(attempt.nextIndex)", index: attempt.nextIndex,
                    operation: .executeTool, useClass: UseClassification.forTool(named: tool.name), toolName: tool.name,
                    timing: StepTiming(scheduled: tool.producedAt, sent: tool.producedAt, end: now),
                    errorType: result.isError ? StepErrorType.toolFailed : nil,
                    observationHash: ContentHash.of(result.content)))
            attempt.nextIndex += 1
        }
        let decision = decide(request, failedTool: failedTool, context: context, attempt: attempt, at: now)
        var ticket = CallTicket(
            key: key, attemptID: attempt.attemptID, stepID: "s\(attempt.nextIndex)", index: attempt.nextIndex,
            extraFields: attempt.extraFields, decision: decision)
        attempt.lastActivity = now
        if decision.refusal == nil {
            attempt.nextIndex += 1
            attempt.inFlight += 1
        } else {
            ticket.stepID = ""
        }
        open[key] = attempt
        return ticket
    }

    /// Applies the policy to a call: a spent budget refuses it; escalation picks the small or
    /// large model; congestion routing may fall back to a cheaper one. Records a `route` step
    /// with the reasons whenever a policy is set.
    private func decide(
        _ request: CallRequest, failedTool: String?, context: PolicyContext, attempt: OpenAttempt, at now: Int64
    ) -> CallDecision {
        let policy = context.policy
        guard policy.budget != nil || policy.escalation != nil || policy.congestion != nil else { return CallDecision() }
        var decision = CallDecision()
        var reasons: [String] = []
        if let budget = policy.budget {
            if let calls = budget.calls, attempt.calls >= calls {
                decision.refusal = "this attempt's budget of \(calls) model calls is spent"
                attempt.budgetStop = StopReason.callBudget
            } else if let tokens = budget.tokens, attempt.spentTokens >= tokens {
                decision.refusal = "this attempt's budget of \(tokens) tokens is spent (\(attempt.spentTokens) used)"
                attempt.budgetStop = StopReason.tokenBudget
            } else if let dollars = budget.dollars, attempt.spentDollars >= dollars {
                decision.refusal = "this attempt's budget of $\(dollars) is spent"
                attempt.budgetStop = StopReason.dollarBudget
            }
            if budget.dollars != nil, !attempt.unpricedModels.isEmpty {
                reasons.append(
                    "dollar budget counts only priced calls: no price for \(attempt.unpricedModels.sorted().joined(separator: ", "))"
                )
            }
        }
        let fingerprint = request.fingerprints.last
        if decision.refusal == nil, let escalation = policy.escalation {
            if attempt.escalation == nil {
                if escalation.on.contains(.header), context.escalateHeader {
                    attempt.escalation = "the client asked (X-AgentPerf-Escalate)"
                } else if escalation.on.contains(.toolError), let failedTool {
                    attempt.escalation = "tool \(failedTool) failed"
                } else if escalation.on.contains(.retry), let fingerprint, fingerprint == attempt.lastFingerprint {
                    attempt.escalation = "the same request again (a retry)"
                }
            }
            decision.model = attempt.escalation == nil ? escalation.small : escalation.large
            reasons.append(
                attempt.escalation.map { "escalated to \(escalation.large): \($0)" } ?? "\(escalation.small) by default")
        }
        if decision.refusal == nil, let congestion = policy.congestion {
            if let note = context.upstreamNote { reasons.append(note) }
            if let threshold = congestion.queueThresholdSeconds, let fallback = congestion.fallbackModel,
                let queue = context.upstreamQueue, queue > threshold
            {
                decision.model = fallback
                reasons.append(
                    "recent queue \(Self.seconds(queue)) over \(Self.seconds(threshold)) on the least loaded upstream: \(fallback)"
                )
            }
        }
        attempt.lastFingerprint = fingerprint
        var step = StepRecord(
            runID: runID, attemptID: attempt.attemptID, stepID: "s\(attempt.nextIndex)", index: attempt.nextIndex,
            operation: .route, useClass: .route, model: decision.model ?? request.model,
            timing: StepTiming(scheduled: now, sent: now, end: now))
        step.routeReason = decision.refusal.map { "refused: \($0)" } ?? reasons.joined(separator: "; ")
        attempt.steps.append(step)
        attempt.nextIndex += 1
        return decision
    }

    /// A tool result that reads as a failure when its protocol has no error flag.
    static func looksFailed(_ content: String) -> Bool {
        let head = content.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return head.hasPrefix("error") || content.contains("Traceback (most recent call last)")
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }

    /// Ends a call with its step; the tool calls its reply made wait for their results.
    func finish(_ ticket: CallTicket, step: StepRecord, toolCalls: [(id: String, name: String)]) async {
        guard let attempt = open[ticket.key], attempt.attemptID == ticket.attemptID else { return }
        let end = step.timing.end ?? attempt.lastActivity
        attempt.steps.append(step)
        attempt.calls += 1
        if let usage = step.usage {
            attempt.spentTokens += usage.total
            if let dollars = price(usage, step.model ?? "") {
                attempt.spentDollars += dollars
            } else {
                attempt.unpricedModels.insert(step.model ?? "(no model)")
            }
        }
        attempt.inFlight -= 1
        attempt.lastActivity = max(attempt.lastActivity, end)
        attempt.lastEnd = max(attempt.lastEnd ?? end, end)
        attempt.lastModelError = step.errorType
        for call in toolCalls { attempt.pending[call.id] = PendingTool(name: call.name, producedAt: end) }
        if let ending = attempt.pendingEnding, attempt.inFlight == 0 { await close(ticket.key, ending: ending) }
    }

    /// Closes an attempt its client ended (`POST /attempt/<id>/end`: the path's or the header's
    /// id), once its calls in flight finish; false when none is open under that id.
    func end(_ attemptID: String, ending: ReportedEnding, at now: Int64) async -> Bool {
        guard let key = [AttemptKey(.path, attemptID), AttemptKey(.header, attemptID)].first(where: { open[$0] != nil }),
            let attempt = open[key], !attempt.claimed
        else { return false }
        attempt.lastEnd = max(attempt.lastEnd ?? now, now)
        if attempt.inFlight > 0 {
            attempt.pendingEnding = ending
        } else {
            await close(key, ending: ending)
        }
        return true
    }

    /// Closes every unclaimed attempt idle for the gap.
    func closeIdle(at now: Int64) async {
        await close(where: { $0.inFlight == 0 && now - $0.lastActivity >= idleGapNanoseconds })
    }

    /// Closes every unclaimed attempt (the gateway is stopping).
    package func closeAll() async { await close(where: { _ in true }) }

    /// Closes the unclaimed attempts `selected` picks, oldest first.
    private func close(where selected: (OpenAttempt) -> Bool) async {
        let keys = open.filter { !$0.value.claimed && selected($0.value) }.sorted {
            $0.value.firstArrival < $1.value.firstArrival
        }
        .map(\.key)
        // Each is checked again just before it closes: writing the ones before it may have let a new call begin on it.
        for key in keys {
            guard let attempt = open[key], selected(attempt) else { continue }
            await close(key)
        }
    }

    private func close(_ key: AttemptKey, ending: ReportedEnding? = nil) async {
        guard let attempt = open.removeValue(forKey: key) else { return }
        let steps = attempt.steps.sorted { $0.index < $1.index }
        var outcome = ending?.outcome ?? .ungraded
        if ending?.outcome == nil, attempt.lastModelError != nil { outcome = .error }
        // Closed with calls still in flight (the gateway is stopping): cut short.
        if ending == nil, attempt.inFlight > 0 { outcome = .cancelled }
        var record = AttemptRecord(
            runID: runID, attemptID: attempt.attemptID, task: attempt.task, agentName: attempt.task, outcome: outcome,
            score: ending?.score, errorType: outcome == .error ? attempt.lastModelError : nil, scheduled: attempt.firstArrival,
            end: attempt.lastEnd ?? attempt.lastActivity, stepCount: steps.count)
        if outcome == .error { record.stopReason = StopReason.modelError }
        if let stop = attempt.budgetStop, outcome != .error { record.stopReason = stop }
        await onClose(record, steps)
    }

    /// Attempts open now.
    package var openCount: Int { open.count }
}
