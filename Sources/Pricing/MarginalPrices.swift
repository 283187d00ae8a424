/// The prices that turn quality, time and risk into money for marginal decisions (SPEC §6):
/// S = V·ΔQ − ΔC − λ·ΔL − ρ·ΔR. Routing regret and diagnoses use the same settings;
/// docs/ROUTING.md and docs/DIAGNOSE.md give the defaults' reasoning.
public struct MarginalPrices: Sendable, Hashable, Codable {
    /// V: what one success (a completed task) is worth, US dollars.
    public var valuePerSuccess: Double
    /// λ: what one second of latency costs, US dollars.
    public var pricePerSecond: Double
    /// ρ: what a risk event costs beyond the lost success, US dollars per unit of probability
    /// (risk: an attempt that errored, timed out, or scored below 1 on a safety or privacy axis).
    public var priceOfRisk: Double

    /// V = $1 per success; λ = $0.001 per second ($3.60 an hour of waiting: an agent run in the
    /// background, not a person watching it); ρ = $0.50 per risk event (half a success: the
    /// retry, the alert, the person who looks).
    public static let defaults = MarginalPrices(valuePerSuccess: 1, pricePerSecond: 0.001, priceOfRisk: 0.5)

    /// Prices V = `valuePerSuccess`, λ = `pricePerSecond` and ρ = `priceOfRisk`.
    public init(valuePerSuccess: Double, pricePerSecond: Double, priceOfRisk: Double = 0.5) {
        self.valuePerSuccess = valuePerSuccess
        self.pricePerSecond = pricePerSecond
        self.priceOfRisk = priceOfRisk
    }

    /// The field names, as workload files and JSON write them.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case valuePerSuccess = "value_per_success", pricePerSecond = "price_per_second", priceOfRisk = "price_of_risk"
    }

    /// Decodes the three prices; any left out takes its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = MarginalPrices.defaults
        valuePerSuccess = try c.decodeIfPresent(Double.self, forKey: .valuePerSuccess) ?? defaults.valuePerSuccess
        pricePerSecond = try c.decodeIfPresent(Double.self, forKey: .pricePerSecond) ?? defaults.pricePerSecond
        priceOfRisk = try c.decodeIfPresent(Double.self, forKey: .priceOfRisk) ?? defaults.priceOfRisk
        for (key, value) in [
            (CodingKeys.valuePerSuccess, valuePerSuccess), (.pricePerSecond, pricePerSecond), (.priceOfRisk, priceOfRisk),
        ]
        where !(value.isFinite && value >= 0) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a number of US dollars ≥ 0")
        }
    }
}
