extension Duration {
    /// The duration in whole nanoseconds (saturating at `Int64.min` / `Int64.max`).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if sumOverflow { return seconds < 0 ? .min : .max }
        return sum
    }

    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Int64 {
    /// `self + nanoseconds`, saturating instead of trapping: deadlines far in the future (an
    /// attempt timeout of a year) stay representable.
    public func adding(nanoseconds: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(nanoseconds)
        return overflow ? (nanoseconds < 0 ? .min : .max) : sum
    }
}

extension Duration {
    /// `seconds` as a duration, rounded to the nanosecond; saturates at `Int64` nanoseconds
    /// (about ±292 years) and is zero for NaN, so no user number can trap the conversion.
    public static func seconds(saturating seconds: Double) -> Duration {
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds.isFinite else {
            return nanoseconds.isNaN ? .zero : nanoseconds > 0 ? .nanoseconds(Int64.max) : .nanoseconds(Int64.min)
        }
        if nanoseconds >= 9.223_372_036_854_775e18 { return .nanoseconds(Int64.max) }
        if nanoseconds <= -9.223_372_036_854_775e18 { return .nanoseconds(Int64.min) }
        return .nanoseconds(Int64(nanoseconds))
    }
}
