package import Pricing

/// Models and prices of the built-in simulated fleet (`FleetConfiguration.default`).
///
/// Prices are modelled on package list prices of 2025–26 for models of the same class, so that
/// costs have realistic magnitudes: `sim-small` like a small hosted model billed OpenAI-style
/// (cached input at a tenth, no charge for cache writes), `sim-large` like a frontier model
/// billed Anthropic-style (cache writes at 1.25× input, 2× for one-hour writes, reads at 0.1×),
/// `sim-embed` like a small embedding model.
package enum SimulatedDefaults {
    /// Tier → model for workloads that name none.
    package static let models: [String: String] = [
        "small": "sim-small", "large": "sim-large", "embedding": "sim-embed",
    ]

    /// The price snapshot for the simulated models.
    package static let prices = PriceTable(
        version: "agentperf-sim-2026-11",
        models: [
            "sim-small": ModelPrice(
                inputCostPerToken: 0.15e-6, outputCostPerToken: 0.60e-6, cacheReadInputTokenCost: 0.015e-6,
                cacheCreationInputTokenCost: 0.15e-6, litellmProvider: "agentperf-sim", mode: "chat"),
            "sim-large": ModelPrice(
                inputCostPerToken: 3.0e-6, outputCostPerToken: 15.0e-6, cacheReadInputTokenCost: 0.30e-6,
                cacheCreationInputTokenCost: 3.75e-6, cacheCreationInputTokenCostAbove1hr: 6.0e-6,
                litellmProvider: "agentperf-sim", mode: "chat"),
            "sim-embed": ModelPrice(
                inputCostPerToken: 0.02e-6, outputCostPerToken: 0, litellmProvider: "agentperf-sim", mode: "embedding"),
        ])
}
