package import Sampling
import SpecDecoding
import Traces

/// A token count written as a number (`120`) or a uniform range (`{min: 80, max: 200}`).
package struct TokenCount: Sendable, Hashable, CustomStringConvertible {
    package var min: Int
    package var max: Int

    package init(_ exactly: Int) { self.init(min: exactly, max: exactly) }
    package init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }

    /// The largest count a workload may give: the same bound as a trace's token counts (far
    /// above any context, far below where sums could overflow).
    package static let maximum = TokenUsage.maxTokensPerRecord

    /// Draws a count uniformly from `min...max`.
    package func sample(using generator: inout SeededGenerator) -> Int {
        min == max ? min : Int.random(in: min...max, using: &generator)
    }

    /// The midpoint, for estimates.
    package var mean: Double { Double(min + max) / 2 }

    package var description: String { min == max ? "\(min)" : "\(min)–\(max)" }
}

extension TokenCount: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case min, max }

    package init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer().decode(Int.self) {
            guard (0...Self.maximum).contains(single) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "expected a count from 0 to \(Self.maximum), found \(single)"))
            }
            self.init(single)
            return
        }
        guard (try? decoder.container(keyedBy: CodingKeys.self)) != nil else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "expected a whole number or {min: N, max: M}"))
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let min = try c.decode(Int.self, forKey: .min)
        let max = try c.decode(Int.self, forKey: .max)
        try c.require((0...Self.maximum).contains(min), .min, "expected 0 to \(Self.maximum), found \(min)")
        try c.require(max <= Self.maximum, .max, "expected at most \(Self.maximum), found \(max)")
        try c.require(max >= min, .max, "expected max (\(max)) to be at least min (\(min))")
        self.init(min: min, max: max)
    }

    package func encode(to encoder: any Encoder) throws {
        if min == max {
            var c = encoder.singleValueContainer()
            try c.encode(min)
        } else {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(min, forKey: .min)
            try c.encode(max, forKey: .max)
        }
    }
}
