package import Foundation
import SpecDecoding

/// Live allocation policies the gateway applies to each call (`agentperf gateway --policy FILE`):
/// per-attempt budgets, small-by-default routing with escalation, and congestion-aware choice of
/// upstream. Every decision is recorded as a `route` step with its reason, so `diagnose` and
/// `route` can judge the policy afterwards.
package struct GatewayPolicy: Sendable, Hashable, Codable {
    /// Per-attempt limits; a call past one is refused with an error the agent can read.
    package var budget: Budget?
    /// Send calls to the small model until a signal says the attempt needs the large one.
    package var escalation: Escalation?
    /// Several upstreams: each call goes to the least loaded, or to a cheaper model when all are congested.
    package var congestion: Congestion?

    package init(budget: Budget? = nil, escalation: Escalation? = nil, congestion: Congestion? = nil) {
        self.budget = budget
        self.escalation = escalation
        self.congestion = congestion
    }

    package struct Budget: Sendable, Hashable, Codable {
        /// Tokens of every bucket, summed over the attempt's calls.
        package var tokens: Int?
        /// US dollars under the gateway's price table.
        package var dollars: Double?
        /// Model calls.
        package var calls: Int?

        package init(tokens: Int? = nil, dollars: Double? = nil, calls: Int? = nil) {
            self.tokens = tokens
            self.dollars = dollars
            self.calls = calls
        }
    }

    /// What makes an attempt move to the large model (for the rest of the attempt).
    package enum Signal: String, Sendable, Hashable, Codable, CaseIterable {
        /// A tool result that reports a failure: Anthropic's `is_error`, or a result that opens
        /// with "error" or holds a traceback.
        case toolError = "tool_error"
        /// The same request again: the agent retrying what the small model could not do.
        case retry
        /// The client asked, with `X-AgentPerf-Escalate: 1`.
        case header
    }

    package struct Escalation: Sendable, Hashable, Codable {
        package var small: String
        package var large: String
        package var on: [Signal]

        package init(small: String, large: String, on: [Signal] = Signal.allCases) {
            self.small = small
            self.large = large
            self.on = on
        }
    }

    package struct Congestion: Sendable, Hashable, Codable {
        /// The upstreams calls are spread over (base URLs up to the API version).
        package var upstreams: [URL]
        /// When even the least loaded upstream's recent queue time passes this many seconds…
        package var queueThresholdSeconds: Double?
        /// … calls go to this (cheaper, faster) model instead.
        package var fallbackModel: String?

        package init(upstreams: [URL], queueThresholdSeconds: Double? = nil, fallbackModel: String? = nil) {
            self.upstreams = upstreams
            self.queueThresholdSeconds = queueThresholdSeconds
            self.fallbackModel = fallbackModel
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case upstreams, queueThresholdSeconds = "queue_threshold_seconds", fallbackModel = "fallback_model"
        }
    }

    /// Checks the rules a decoded policy must keep; the message names the field.
    package func validate(source: String) throws(GatewayError) {
        let policy = self
        if let budget = policy.budget {
            if let tokens = budget.tokens, tokens < 1 { throw .badPolicy(source, "budget.tokens: expected at least 1") }
            if let dollars = budget.dollars, !(dollars > 0 && dollars.isFinite) {
                throw .badPolicy(source, "budget.dollars: expected above 0")
            }
            if let calls = budget.calls, calls < 1 { throw .badPolicy(source, "budget.calls: expected at least 1") }
        }
        if let escalation = policy.escalation, escalation.on.isEmpty {
            throw .badPolicy(source, "escalation.on: expected at least one of tool_error, retry, header")
        }
        if let congestion = policy.congestion {
            if congestion.upstreams.isEmpty { throw .badPolicy(source, "congestion.upstreams: expected at least one URL") }
            for (index, url) in congestion.upstreams.enumerated()
            where !["http", "https"].contains(url.scheme ?? "") || url.host == nil {
                throw .badPolicy(
                    source,
                    "congestion.upstreams[\(index)]: expected an http(s) base URL like http://10.0.0.5:8000/v1, found \(url)")
            }
            if let threshold = congestion.queueThresholdSeconds, !(threshold > 0), congestion.fallbackModel != nil {
                throw .badPolicy(source, "congestion.queue_threshold_seconds: expected above 0")
            }
        }
    }
}

// Strict decoding: a misspelt key in a policy file is an error naming it, not a silent no-op.
extension GatewayPolicy {
    enum CodingKeys: String, CodingKey, CaseIterable { case budget, escalation, congestion }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        budget = try c.decodeIfPresent(Budget.self, forKey: .budget)
        escalation = try c.decodeIfPresent(Escalation.self, forKey: .escalation)
        congestion = try c.decodeIfPresent(Congestion.self, forKey: .congestion)
    }
}

extension GatewayPolicy.Budget {
    enum CodingKeys: String, CodingKey, CaseIterable { case tokens, dollars, calls }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try c.decodeIfPresent(Int.self, forKey: .tokens)
        dollars = try c.decodeIfPresent(Double.self, forKey: .dollars)
        calls = try c.decodeIfPresent(Int.self, forKey: .calls)
    }
}

extension GatewayPolicy.Escalation {
    enum CodingKeys: String, CodingKey, CaseIterable { case small, large, on }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        small = try c.decode(String.self, forKey: .small)
        large = try c.decode(String.self, forKey: .large)
        on = try c.decodeIfPresent([GatewayPolicy.Signal].self, forKey: .on) ?? GatewayPolicy.Signal.allCases
    }
}

extension GatewayPolicy.Congestion {
    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        upstreams = try c.decode([URL].self, forKey: .upstreams)
        queueThresholdSeconds = try c.decodeIfPresent(Double.self, forKey: .queueThresholdSeconds)
        fallbackModel = try c.decodeIfPresent(String.self, forKey: .fallbackModel)
    }
}
