/// The prices that turn quality and time into money for marginal decisions (SPEC §6):
/// S = V·ΔQ − ΔC − λ·ΔL. Routing regret and diagnoses use the same settings; docs/ROUTING.md
/// gives the defaults' reasoning.
public struct MarginalPrices: Sendable, Hashable, Codable {
    /// V: what one success (a completed task) is worth, US dollars.
    public var valuePerSuccess: Double
    /// λ: what one second of latency costs, US dollars.
    public var pricePerSecond: Double

    /// V = $1 per success; λ = $0.001 per second ($3.60 an hour of waiting: an agent run in the
    /// background, not a person watching it).
    public static let defaults = MarginalPrices(valuePerSuccess: 1, pricePerSecond: 0.001)

    /// Prices V = `valuePerSuccess` and λ = `pricePerSecond`.
    public init(valuePerSuccess: Double, pricePerSecond: Double) {
        self.valuePerSuccess = valuePerSuccess
        self.pricePerSecond = pricePerSecond
    }

    enum CodingKeys: String, CodingKey { case valuePerSuccess = "value_per_success", pricePerSecond = "price_per_second" }
}
