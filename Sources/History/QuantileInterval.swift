import AgentMetrics
import Foundation

/// The exact bootstrap distribution of a percentile, from a stored histogram.
///
/// Resampling n values with replacement from a sample and taking the nearest-rank p-quantile
/// (rank r = ⌈p·n⌉) gives a value ≤ v exactly when at least r of the n draws are ≤ v, so
/// P(q* ≤ v_k) = P(Binomial(n, C_k ÷ n) ≥ r) = I_{C_k/n}(r, n − r + 1), with C_k the count at or
/// below bucket k and I the regularized incomplete beta function (Hutson & Ernst 2000, "The
/// exact bootstrap mean and variance of an L-estimator"). No random resampling is needed, so
/// the interval is the same every time it is computed.
struct BootstrapQuantile {
    /// Bucket values in seconds with their bootstrap probability, ascending; atoms below 10⁻¹² dropped.
    let atoms: [(value: Double, probability: Double)]

    /// Nil with no finite samples.
    init?(_ buckets: HistogramBuckets, percentile p: Double) {
        let n = buckets.finiteCount
        guard n > 0 else { return nil }
        let rank = Swift.max(1, Swift.min(Double(n), (p / 100 * Double(n)).rounded(.up)))
        var atoms: [(Double, Double)] = []
        var cumulative: UInt64 = 0
        var previous = 0.0
        for (value, count) in zip(buckets.microseconds, buckets.counts) {
            cumulative += count
            let below =
                cumulative == n ? 1 : regularizedIncompleteBeta(Double(cumulative) / Double(n), rank, Double(n) - rank + 1)
            let mass = below - previous
            if mass > 1e-12 { atoms.append((Double(value) / 1e6, mass)) }
            previous = below
        }
        self.atoms = atoms
    }

    /// The 95% interval of `other − self` for independent samples: the 2.5% and 97.5% points of the
    /// difference's exact distribution (the convolution of the two atom lists).
    func differenceInterval(to other: BootstrapQuantile, level: Double = 0.95) -> (low: Double, high: Double) {
        var differences: [(Double, Double)] = []
        differences.reserveCapacity(atoms.count * other.atoms.count)
        for a in atoms {
            for b in other.atoms { differences.append((b.value - a.value, a.probability * b.probability)) }
        }
        differences.sort { $0.0 < $1.0 }
        let total = differences.reduce(0) { $0 + $1.1 }
        let tail = (1 - level) / 2 * total
        var running = 0.0
        var low = differences.first?.0 ?? 0
        var high = differences.last?.0 ?? 0
        var lowFound = false
        for (difference, probability) in differences {
            running += probability
            if !lowFound, running >= tail {
                low = difference
                lowFound = true
            }
            if running >= total - tail {
                high = difference
                break
            }
        }
        return (low, high)
    }
}

/// I_x(a, b), the regularized incomplete beta function, by the continued fraction of Numerical
/// Recipes (§6.4, modified Lentz); written here because no listed package has special functions.
func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
    let logPowers: Double = a * log(x) + b * log(1 - x)
    let logFront = logBeta + logPowers
    // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
    if x < (a + 1) / (a + b + 2) { return exp(logFront) * betaContinuedFraction(x, a, b) / a }
    return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
}

private func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    let epsilon = 1e-14
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var result = d
    for m in 1...10_000 {
        let m = Double(m)
        let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + even * d
        if abs(d) < tiny { d = tiny }
        c = 1 + even / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        result *= d * c
        let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + odd * d
        if abs(d) < tiny { d = tiny }
        c = 1 + odd / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let step = d * c
        result *= step
        if abs(step - 1) < epsilon { break }
    }
    return result
}
