import Foundation
import Pricing
import Testing
import Traces

@Suite struct PricingTests {
    /// $3 / $15 per million, cache read $0.30, 5-minute write $3.75, 1-hour write $6, reasoning $20.
    static let table = PriceTable(
        version: "test",
        models: [
            "big": ModelPrice(
                inputCostPerToken: 3e-6, outputCostPerToken: 15e-6, cacheReadInputTokenCost: 0.3e-6,
                cacheCreationInputTokenCost: 3.75e-6, cacheCreationInputTokenCostAbove1hr: 6e-6,
                outputCostPerReasoningToken: 20e-6),
            "bare": ModelPrice(inputCostPerToken: 1e-6, outputCostPerToken: 2e-6),
        ], tools: ["search": ToolPrice(costPerCall: 0.01)])

    @Test("every bucket is priced at its own rate")
    func buckets() {
        let usage = TokenUsage(
            uncachedInput: 1000, cacheRead: 10_000, cacheWrite: 3000, cacheWrite1h: 1000, output: 500, reasoning: 200)
        let priced = Self.table.price(usage, model: "big")
        // 1000×3e-6 = 0.003; 10000×0.3e-6 = 0.003; 2000×3.75e-6 + 1000×6e-6 = 0.0135;
        // 300×15e-6 = 0.0045; 200×20e-6 = 0.004.
        #expect(abs(priced.cost.uncachedInput - 0.003) < 1e-12)
        #expect(abs(priced.cost.cacheRead - 0.003) < 1e-12)
        #expect(abs(priced.cost.cacheWrite - 0.0135) < 1e-12)
        #expect(abs(priced.cost.output - 0.0045) < 1e-12)
        #expect(abs(priced.cost.reasoning - 0.004) < 1e-12)
        #expect(abs(priced.cost.total - 0.028) < 1e-12)
        #expect(priced.assumptions.isEmpty && priced.isComplete)
    }

    @Test("missing cache prices fall back to 0.1× and 1.25× input and say so")
    func assumedCachePrices() {
        let priced = Self.table.price(TokenUsage(uncachedInput: 0, cacheRead: 1000, cacheWrite: 1000, output: 0), model: "bare")
        #expect(abs(priced.cost.cacheRead - 1000 * 0.1e-6) < 1e-15)
        #expect(abs(priced.cost.cacheWrite - 1000 * 1.25e-6) < 1e-15)
        #expect(priced.assumptions.map(\.field).sorted() == ["cache_creation_input_token_cost", "cache_read_input_token_cost"])
    }

    @Test("an unknown model is reported, never priced at zero")
    func unknownModel() {
        let priced = Self.table.price(TokenUsage(uncachedInput: 10, output: 10), model: "mystery")
        #expect(priced.unpricedModels == ["mystery"])
        #expect(!priced.isComplete)
    }

    @Test("a provider prefix is stripped to find the entry, and the entry used is recorded")
    func providerPrefix() {
        let priced = Self.table.price(TokenUsage(uncachedInput: 1_000_000), model: "openai/bare")
        #expect(priced.cost.total == 1.0)
        #expect(priced.entries == ["openai/bare": "bare"])
    }

    @Test(
        "an undated alias is priced by the table's latest dated entry, a dated id the table lacks by its alias; the entry is recorded"
    )
    func aliases() {
        let table = PriceTable(
            version: "test",
            models: [
                "claude-sonnet-4-5-20250929": ModelPrice(inputCostPerToken: 3e-6, outputCostPerToken: 15e-6),
                "claude-sonnet-4-5-20250101": ModelPrice(inputCostPerToken: 9e-6, outputCostPerToken: 9e-6),
                "gpt-4o-mini": ModelPrice(inputCostPerToken: 1.5e-7, outputCostPerToken: 6e-7),
                "gpt-4o-mini-audio": ModelPrice(inputCostPerToken: 1, outputCostPerToken: 1),
            ])
        let usage = TokenUsage(uncachedInput: 1_000_000)
        let alias = table.price(usage, model: "anthropic/claude-sonnet-4-5")
        #expect(alias.cost.total == 3 && alias.entries == ["anthropic/claude-sonnet-4-5": "claude-sonnet-4-5-20250929"])
        #expect(alias.assumptions.map(\.field) == ["the price of anthropic/claude-sonnet-4-5"], "said under the table")
        let dated = table.price(usage, model: "gpt-4o-mini-2024-07-18")
        #expect(abs(dated.cost.total - 0.15) < 1e-12 && dated.entries == ["gpt-4o-mini-2024-07-18": "gpt-4o-mini"])
        #expect(table.price(usage, model: "gpt-4o").unpricedModels == ["gpt-4o"], "gpt-4o-mini is not a dated gpt-4o")
        #expect(table.price(usage, model: "claude-sonnet-4").unpricedModels == ["claude-sonnet-4"])
    }

    @Test("tool calls add their per-call price")
    func toolPrice() {
        let step = StepRecord(
            runID: "r", attemptID: "a", stepID: "s", index: 0, operation: .executeTool, useClass: .read, toolName: "search")
        #expect(Self.table.price(step).cost.tool == 0.01)
    }

    @Test("a bare LiteLLM price map is read, skipping sample_spec and entries without token prices")
    func liteLLMFile() throws {
        let json = """
            {"sample_spec": {"input_cost_per_token": 0, "max_tokens": "set to max"},
             "gpt-x": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06,
                       "litellm_provider": "openai", "mode": "chat", "supports_vision": true, "max_tokens": 16384},
             "dall-e": {"mode": "image_generation", "output_cost_per_pixel": 1e-8}}
            """
        let table = try JSONDecoder().decode(PriceTable.self, from: Data(json.utf8))
        #expect(Array(table.models.keys) == ["gpt-x"])
        #expect(table.models["gpt-x"]?.cacheReadInputTokenCost == 1.25e-6)
    }

    @Test("an AgentPerf price table survives writing and reading")
    func roundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.table.write(to: directory)
        #expect(try PriceTable.load(from: directory) == Self.table)
    }

    @Test("overrides replace fields one by one")
    func merge() {
        let merged = Self.table.merged(with: PriceTable(version: "mine", models: ["big": ModelPrice(outputCostPerToken: 1e-5)]))
        #expect(merged.models["big"]?.outputCostPerToken == 1e-5)
        #expect(merged.models["big"]?.inputCostPerToken == 3e-6)
        #expect(merged.version == "test+mine")
    }
}
