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

    /// Nil with no finite samples, or buckets that are not a histogram (`HistogramBuckets.problem`).
    init?(_ buckets: HistogramBuckets, percentile p: Double) {
        guard buckets.problem == nil else { return nil }
        let n = buckets.finiteCount
        guard n > 0 else { return nil }
        let size = Double(n)
        let rank = Swift.max(1, Swift.min(size, (p / 100 * size).rounded(.up)))
        // Far from the quantile the tail is 0 or 1 to double precision: only buckets whose
        // cumulative share is within 12 standard deviations (plus one sample) of p·n's share are
        // computed, so the work stays bounded however many buckets there are.
        let center = rank / size
        let reach = 12 * (center * (1 - center) / size).squareRoot() + 1 / size
        var atoms: [(Double, Double)] = []
        var cumulative: UInt64 = 0
        var previous = 0.0
        for (value, count) in zip(buckets.microseconds, buckets.counts) {
            cumulative += count
            let share = Double(cumulative) / size
            let below: Double =
                if cumulative == n { 1 } else if share < center - reach { 0 } else if share > center + reach { 1 } else {
                    regularizedIncompleteBeta(share, rank, size - rank + 1)
                }
            let mass = below - previous
            if mass > 1e-12 { atoms.append((Double(value) / 1e6, mass)) }
            previous = below
        }
        self.atoms = atoms
    }

    /// P(other − self ≤ d) for independent draws: Σ_i p_i · F_other(a_i + d), one pass over both
    /// ascending atom lists (no product of the two is ever built).
    func probabilityOfDifference(atMost d: Double, to other: BootstrapQuantile) -> Double {
        var total = 0.0
        var j = 0
        var below = 0.0  // F_other at the current threshold
        for (value, probability) in atoms {
            let threshold = value + d
            while j < other.atoms.count, other.atoms[j].value <= threshold {
                below += other.atoms[j].probability
                j += 1
            }
            total += probability * below
        }
        return total
    }

    /// The 95% interval of `other − self`: the 2.5% and 97.5% points of the difference's exact
    /// distribution, found by bisection on its distribution function (60 halvings: well below
    /// a microsecond, the histograms' resolution).
    func differenceInterval(to other: BootstrapQuantile, level: Double = 0.95) -> (low: Double, high: Double) {
        guard let firstA = atoms.first, let lastA = atoms.last, let firstB = other.atoms.first, let lastB = other.atoms.last
        else { return (0, 0) }
        let total = atoms.reduce(0) { $0 + $1.probability } * other.atoms.reduce(0) { $0 + $1.probability }
        func point(_ share: Double) -> Double {
            var low = firstB.value - lastA.value - 1e-6
            var high = lastB.value - firstA.value
            for _ in 0..<60 {
                let middle = (low + high) / 2
                if probabilityOfDifference(atMost: middle, to: other) >= share * total { high = middle } else { low = middle }
            }
            // Differences of bucket values are whole microseconds: snap to the support point the
            // bisection converged on (so a point mass at 0 gives exactly 0, not 10⁻¹⁸).
            return (high * 1e6).rounded() / 1e6
        }
        let tail = (1 - level) / 2
        return (point(tail), point(1 - tail))
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
