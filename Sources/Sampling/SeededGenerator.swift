import Foundation

/// A small, fast, seedable generator (SplitMix64), so that a seed reproduces a run's draws on
/// every platform. Hand-written because the standard library's generator cannot be seeded and
/// none of the project's packages provides one.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    /// A generator for one named stream derived from `seed` (for example one attempt), so that
    /// streams do not depend on the order in which they are used.
    package init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        self.init(seed: seed ^ hash)
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1).
    package mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

extension SeededGenerator {
    /// A uniform draw in [`low`, `high`).
    package mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnit()
    }

    /// An exponential draw with mean `mean`.
    package mutating func exponential(mean: Double) -> Double {
        -mean * log1p(-nextUnit())
    }

    /// A log-normal draw with the given median and 95th percentile (p95 = median · e^(1.6449σ)).
    package mutating func lognormal(median: Double, p95: Double) -> Double {
        median * exp(Self.lognormalSigma(median: median, p95: p95) * standardNormal())
    }

    /// σ of the normal under a log-normal with this median and 95th percentile.
    package static func lognormalSigma(median: Double, p95: Double) -> Double {
        log(p95 / median) / 1.6448536269514722
    }

    /// A standard normal draw (Box–Muller).
    package mutating func standardNormal() -> Double {
        let u1 = max(nextUnit(), .leastNonzeroMagnitude)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
