/// pass@k and pass^k (SPEC §5, tau-bench arXiv 2406.12045), per task with n attempts of which c
/// passed, computed with products so large n never overflows:
///
///     pass@k = 1 − C(n−c, k)/C(n, k) = 1 − Π_{i<k} (n−c−i)/(n−i)   (at least one of k passes)
///     pass^k =     C(c, k)/C(n, k)   =     Π_{i<k} (c−i)/(n−i)     (all k pass)
public enum Reliability {
    /// `nil` when k exceeds the attempts.
    public static func passAtK(attempts n: Int, passed c: Int, k: Int) -> Double? {
        guard k >= 1, k <= n, c >= 0, c <= n else { return nil }
        if n - c < k { return 1 }
        var allFail = 1.0
        for i in 0..<k { allFail *= Double(n - c - i) / Double(n - i) }
        return 1 - allFail
    }

    /// pass^k of one task, 0…1; `nil` when k is below 1 or exceeds the attempts.
    public static func passHatK(attempts n: Int, passed c: Int, k: Int) -> Double? {
        guard k >= 1, k <= n, c >= 0, c <= n else { return nil }
        if c < k { return 0 }
        var allPass = 1.0
        for i in 0..<k { allPass *= Double(c - i) / Double(n - i) }
        return allPass
    }
}

/// Running sums for a least-squares line y = a + b·x: slope and R², in constant memory.
public struct Regression: Sendable, Hashable, Codable {
    public private(set) var count = 0.0
    private var sumX = 0.0, sumY = 0.0, sumXY = 0.0, sumXX = 0.0, sumYY = 0.0

    /// No points yet.
    public init() {}

    /// Adds the point (x, y).
    public mutating func add(x: Double, y: Double) {
        count += 1
        sumX += x
        sumY += y
        sumXY += x * y
        sumXX += x * x
        sumYY += y * y
    }

    private var sxx: Double { sumXX - sumX * sumX / count }
    private var syy: Double { sumYY - sumY * sumY / count }
    private var sxy: Double { sumXY - sumX * sumY / count }

    /// b; `nil` with fewer than two distinct x.
    public var slope: Double? { count >= 2 && sxx > 1e-12 ? sxy / sxx : nil }

    /// Share of y's variance the line explains; `nil` with fewer than three points or no variance.
    public var rSquared: Double? {
        guard count >= 3, sxx > 1e-12, syy > 1e-12 else { return nil }
        return (sxy * sxy) / (sxx * syy)
    }
}
