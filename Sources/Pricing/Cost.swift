public import Traces

/// Money spent, in US dollars, kept apart by what it paid for.
public struct Cost: Sendable, Hashable, Codable {
    /// Paid for prompt tokens neither read from nor written to a prompt cache, at `input_cost_per_token`.
    public var uncachedInput: Double
    /// Paid for prompt tokens read from a prompt cache, at `cache_read_input_token_cost` (or its assumed price).
    public var cacheRead: Double
    /// Paid for prompt tokens written to a prompt cache, five-minute and one-hour writes together, each at its own price.
    public var cacheWrite: Double
    /// Generated tokens other than reasoning.
    public var output: Double
    /// Paid for reasoning tokens, at `output_cost_per_reasoning_token`, or at the output price when the table lists none.
    public var reasoning: Double
    /// Paid for tool calls, at each tool's `cost_per_call`.
    public var tool: Double

    /// A cost made of the given parts, in US dollars; parts left out are zero.
    public init(
        uncachedInput: Double = 0, cacheRead: Double = 0, cacheWrite: Double = 0, output: Double = 0,
        reasoning: Double = 0, tool: Double = 0
    ) {
        self.uncachedInput = uncachedInput
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
        self.tool = tool
    }

    /// Nothing spent: every part is zero.
    public static let zero = Cost()

    /// Sum of every part.
    public var total: Double { uncachedInput + cacheRead + cacheWrite + output + reasoning + tool }

    /// The two costs added part by part.
    public static func + (lhs: Cost, rhs: Cost) -> Cost {
        Cost(
            uncachedInput: lhs.uncachedInput + rhs.uncachedInput, cacheRead: lhs.cacheRead + rhs.cacheRead,
            cacheWrite: lhs.cacheWrite + rhs.cacheWrite, output: lhs.output + rhs.output,
            reasoning: lhs.reasoning + rhs.reasoning, tool: lhs.tool + rhs.tool)
    }

    /// Adds `rhs` to `lhs` part by part.
    public static func += (lhs: inout Cost, rhs: Cost) { lhs = lhs + rhs }

    enum CodingKeys: String, CodingKey {
        case uncachedInput = "uncached_input", cacheRead = "cache_read", cacheWrite = "cache_write"
        case output, reasoning, tool, total
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            uncachedInput: try c.decode(Double.self, forKey: .uncachedInput),
            cacheRead: try c.decode(Double.self, forKey: .cacheRead),
            cacheWrite: try c.decode(Double.self, forKey: .cacheWrite),
            output: try c.decode(Double.self, forKey: .output),
            reasoning: try c.decode(Double.self, forKey: .reasoning),
            tool: try c.decode(Double.self, forKey: .tool))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uncachedInput, forKey: .uncachedInput)
        try c.encode(cacheRead, forKey: .cacheRead)
        try c.encode(cacheWrite, forKey: .cacheWrite)
        try c.encode(output, forKey: .output)
        try c.encode(reasoning, forKey: .reasoning)
        try c.encode(tool, forKey: .tool)
        try c.encode(total, forKey: .total)
    }
}

/// A price the table did not give, filled in by a documented rule (SPEC §4), reported loudly.
public struct PriceAssumption: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The price-table entry the price was assumed for (its name in the table, which may differ from the recorded model name).
    public var model: String
    /// The missing LiteLLM field.
    public var field: String
    /// The rule used, for example `1.25 × input_cost_per_token`.
    public var rule: String

    public var description: String { "\(model): \(field) assumed \(rule)" }

    public static func < (lhs: PriceAssumption, rhs: PriceAssumption) -> Bool {
        (lhs.model, lhs.field) < (rhs.model, rhs.field)
    }
}

/// The cost of some usage, with the price entries used and what had to be assumed.
public struct PricedUsage: Sendable, Hashable {
    /// What the priced tokens and tool calls cost, in US dollars; tokens of `unpricedModels` are not in it.
    public var cost: Cost
    /// Price-table entries used, by model name as recorded.
    public var entries: [String: String]
    /// Prices the table did not give and that were filled in by rule; empty when nothing was assumed.
    public var assumptions: Set<PriceAssumption>
    /// Models with token usage but no price entry: their tokens are not in `cost`.
    public var unpricedModels: Set<String>

    /// Priced usage made of the given parts; the defaults are no cost, no entries, no assumptions and no unpriced models.
    public init(
        cost: Cost = .zero, entries: [String: String] = [:], assumptions: Set<PriceAssumption> = [],
        unpricedModels: Set<String> = []
    ) {
        self.cost = cost
        self.entries = entries
        self.assumptions = assumptions
        self.unpricedModels = unpricedModels
    }

    /// True when every token was priced.
    public var isComplete: Bool { unpricedModels.isEmpty }

    /// Costs added; entries, assumptions and unpriced models merged (for a model name in both, the entry of `lhs` is kept).
    public static func + (lhs: PricedUsage, rhs: PricedUsage) -> PricedUsage {
        PricedUsage(
            cost: lhs.cost + rhs.cost, entries: lhs.entries.merging(rhs.entries) { old, _ in old },
            assumptions: lhs.assumptions.union(rhs.assumptions),
            unpricedModels: lhs.unpricedModels.union(rhs.unpricedModels))
    }

    /// Adds `rhs` to `lhs` as `+` does.
    public static func += (lhs: inout PricedUsage, rhs: PricedUsage) { lhs = lhs + rhs }
}

extension PriceTable {
    /// Multipliers of the input price used when a cache price is missing (SPEC §4). The one-hour
    /// write has no SPEC rule; it follows Anthropic's published 2× multiplier.
    public static let assumedCacheReadMultiplier = 0.1
    /// Multiple of `input_cost_per_token` assumed when `cache_creation_input_token_cost` (five-minute write) is missing.
    public static let assumedCacheWriteMultiplier = 1.25
    /// Multiple of `input_cost_per_token` assumed when `cache_creation_input_token_cost_above_1hr` is missing.
    public static let assumedCacheWrite1hMultiplier = 2.0

    /// Prices one step: its tokens by bucket, plus the tool's per-call price.
    public func price(_ step: StepRecord) -> PricedUsage {
        var result = PricedUsage()
        if let usage = step.usage, usage.total > 0 {
            if let model = step.model {
                result += price(usage, model: model)
            } else {
                result.unpricedModels.insert("(step without a model name)")
            }
        }
        if step.operation == .executeTool, let tool = step.toolName, let price = tools[tool] {
            result.cost.tool += price.costPerCall
        }
        return result
    }

    /// The prompt size above which a request is billed at long-context rates.
    public static let longContextThreshold = 200_000

    /// Prices token usage of one model (one request: the long-context tier applies to a
    /// request, so summed usage of many requests must be priced request by request).
    public func price(_ usage: TokenUsage, model: String) -> PricedUsage {
        guard let (entryName, base) = price(for: model) else {
            return PricedUsage(unpricedModels: [model])
        }
        let longContext = usage.totalInput > Self.longContextThreshold && base.inputCostPerTokenAbove200k != nil
        var price = base
        if longContext {
            price.inputCostPerToken = base.inputCostPerTokenAbove200k
            price.outputCostPerToken = base.outputCostPerTokenAbove200k ?? base.outputCostPerToken
            price.cacheReadInputTokenCost = base.cacheReadInputTokenCostAbove200k
            price.cacheCreationInputTokenCost = base.cacheCreationInputTokenCostAbove200k
            price.cacheCreationInputTokenCostAbove1hr = nil
        }
        guard let input = price.inputCostPerToken,
            let output = price.outputCostPerToken ?? (usage.output == 0 ? 0 : nil)
        else {
            return PricedUsage(unpricedModels: [model])
        }
        var assumptions: Set<PriceAssumption> = []
        // Priced through the alias rules (a dated snapshot for an alias, or the reverse): say so.
        let bare = model.lastIndex(of: "/").map { String(model[model.index(after: $0)...]) } ?? model
        if entryName != model, entryName != bare, entryName.lowercased() != bare.lowercased() {
            assumptions.insert(
                PriceAssumption(
                    model: entryName, field: "the price of \(model)",
                    rule: "this entry's (the same model's dated snapshot or alias)"))
        }
        func resolve(_ value: Double?, field: String, multiplier: Double, needed: Bool) -> Double {
            if let value { return value }
            if needed {
                let tier = longContext ? "_above_200k_tokens" : ""
                assumptions.insert(
                    PriceAssumption(
                        model: entryName, field: field + tier, rule: "\(multiplier) × input_cost_per_token\(tier)"))
            }
            return input * multiplier
        }
        let readPrice = resolve(
            price.cacheReadInputTokenCost, field: "cache_read_input_token_cost",
            multiplier: Self.assumedCacheReadMultiplier, needed: usage.cacheRead > 0)
        let writePrice = resolve(
            price.cacheCreationInputTokenCost, field: "cache_creation_input_token_cost",
            multiplier: Self.assumedCacheWriteMultiplier, needed: usage.cacheWrite5m > 0)
        let write1hPrice = resolve(
            price.cacheCreationInputTokenCostAbove1hr, field: "cache_creation_input_token_cost_above_1hr",
            multiplier: Self.assumedCacheWrite1hMultiplier, needed: usage.cacheWrite1h > 0)
        // Providers bill reasoning as output unless a separate price is listed.
        let reasoningPrice = price.outputCostPerReasoningToken ?? output
        let cost = Cost(
            uncachedInput: Double(usage.uncachedInput) * input,
            cacheRead: Double(usage.cacheRead) * readPrice,
            cacheWrite: Double(usage.cacheWrite5m) * writePrice + Double(usage.cacheWrite1h) * write1hPrice,
            output: Double(usage.output - usage.reasoning) * output,
            reasoning: Double(usage.reasoning) * reasoningPrice)
        let entry = longContext ? "\(entryName) (above 200k)" : entryName
        return PricedUsage(cost: cost, entries: [model: entry], assumptions: assumptions)
    }
}
