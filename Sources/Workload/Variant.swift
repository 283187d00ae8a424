import SpecDecoding
package import Traces

/// A named configuration applied to the same tasks (`variants:`; `agentperf run --variants`):
/// where model calls go, whether the agent verifies or delegates. Variants of a run are paired:
/// the same task and repeat draw the same seeds under each (docs/ROUTING.md).
package struct Variant: Sendable, Hashable {
    package var name: String
    /// Every model call on this tier (after `tiers`, before `byUse`); nil: as the workload says.
    package var tier: String?
    /// Tier → tier remap of the workload's calls.
    package var tiers: [String: String]
    /// Per use class, the tier its model calls go to (overrides `tier` and `tiers`).
    package var byUse: [UseClass: String]
    /// Tiers tried in turn until the attempt's grade passes; every try is recorded in the one attempt.
    package var cascade: [String]
    /// The grader axis a cascade's verifier reads (escalate while it scores below 1); nil: the attempt's outcome.
    package var escalateOn: String?
    /// False: scripted verify steps (use: verify) are skipped.
    package var verification: Bool
    /// False: fan-outs run their sub-agents' steps in the parent agent, one after another (the single-agent baseline).
    package var subagents: Bool
    /// False: model calls are served without prompt caching (docs/ROUTING.md says how, per server).
    package var promptCaching = true
    /// Tokens (all buckets) an attempt may spend; checked before each model call.
    package var tokenBudget: Int?
    /// US dollars an attempt may spend under the workload's prices; checked before each model call.
    package var dollarBudget: Double?

    package init(
        name: String, tier: String? = nil, tiers: [String: String] = [:], byUse: [UseClass: String] = [:],
        cascade: [String] = [], verification: Bool = true, subagents: Bool = true
    ) {
        self.name = name
        self.tier = tier
        self.tiers = tiers
        self.byUse = byUse
        self.cascade = cascade
        self.verification = verification
        self.subagents = subagents
    }

    /// The tier a call the workload puts on `tier`, for use class `use`, goes to under this variant.
    package func tier(for tier: String, use: UseClass) -> String {
        if let pinned = byUse[use] { return pinned }
        if let every = self.tier { return every }
        return tiers[tier] ?? tier
    }

    /// This variant with every call on `tier` and no cascade: one stage of a cascade.
    package func stage(_ tier: String) -> Variant {
        var stage = self
        stage.tier = tier
        stage.tiers = [:]
        stage.byUse = [:]
        stage.cascade = []
        return stage
    }

    /// Every tier the variant names.
    package var namedTiers: [String] {
        ([tier].compactMap { $0 } + tiers.keys.sorted() + tiers.values.sorted() + byUse.values.sorted() + cascade)
    }
}

extension Variant: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case tier, tiers, byUse = "by_use", cascade, verification, subagents
        case tokenBudget = "token_budget", dollarBudget = "dollar_budget", promptCaching = "prompt_caching"
        case escalateOn = "escalate_on"
    }

    /// Decodes the variant's settings; its name is the key it is filed under (set by `Workload`).
    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = ""
        tier = try c.decodeIfPresent(String.self, forKey: .tier)
        tiers = try c.decodeIfPresent([String: String].self, forKey: .tiers) ?? [:]
        var byUse: [UseClass: String] = [:]
        for (text, tier) in try c.decodeIfPresent([String: String].self, forKey: .byUse) ?? [:] {
            guard let use = UseClass(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .byUse, in: c,
                    debugDescription:
                        "unknown use class \"\(text)\"; expected one of \(UseClass.known.map(\.rawValue).joined(separator: ", "))"
                )
            }
            byUse[use] = tier
        }
        self.byUse = byUse
        cascade = try c.decodeIfPresent([String].self, forKey: .cascade) ?? []
        escalateOn = try c.decodeIfPresent(String.self, forKey: .escalateOn)
        try c.require(escalateOn == nil || !cascade.isEmpty, .escalateOn, "escalate_on belongs to a cascade")
        verification = try Self.decodeSwitch(c, .verification)
        subagents = try Self.decodeSwitch(c, .subagents)
        promptCaching = try Self.decodeSwitch(c, .promptCaching)
        tokenBudget = try c.decodeIfPresent(Int.self, forKey: .tokenBudget)
        dollarBudget = try c.decodeIfPresent(Double.self, forKey: .dollarBudget)
        try c.require((1...1_000_000_000_000).contains(tokenBudget ?? 1), .tokenBudget, "expected 1 to 10^12 tokens")
        try c.require(
            dollarBudget.map { $0.isFinite && $0 > 0 } ?? true, .dollarBudget, "expected a number of US dollars above 0")
        try c.require(cascade.isEmpty || cascade.count >= 2, .cascade, "expected two or more tiers, cheapest first")
        try c.require(
            cascade.isEmpty || (tier == nil && tiers.isEmpty && byUse.isEmpty), .cascade,
            "a cascade sets the tier of every call itself; drop tier, tiers and by_use")
    }

    /// `on`/`off` (or true/false).
    private static func decodeSwitch(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Bool {
        guard c.contains(key) else { return true }
        if let flag = try? c.decode(Bool.self, forKey: key) { return flag }
        switch try c.decode(String.self, forKey: key) {
        case "on": return true
        case "off": return false
        default: throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected on or off")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(tier, forKey: .tier)
        if !tiers.isEmpty { try c.encode(tiers, forKey: .tiers) }
        if !byUse.isEmpty {
            try c.encode(Dictionary(uniqueKeysWithValues: byUse.map { ($0.key.rawValue, $0.value) }), forKey: .byUse)
        }
        if !cascade.isEmpty { try c.encode(cascade, forKey: .cascade) }
        try c.encodeIfPresent(escalateOn, forKey: .escalateOn)
        if !verification { try c.encode("off", forKey: .verification) }
        if !subagents { try c.encode("off", forKey: .subagents) }
        if !promptCaching { try c.encode("off", forKey: .promptCaching) }
        try c.encodeIfPresent(tokenBudget, forKey: .tokenBudget)
        try c.encodeIfPresent(dollarBudget, forKey: .dollarBudget)
    }
}
