/// The run's monotonic clock: nanoseconds since the run's origin.
///
/// One instance per run is passed to every stage that stamps times, so all timestamps in a
/// trace share one origin. Backed by `ContinuousClock` (monotonic, counts time asleep).
public struct RunClock: Sendable {
    /// The instant trace timestamps count from.
    public let origin: ContinuousClock.Instant

    public init(origin: ContinuousClock.Instant = .now) {
        self.origin = origin
    }

    /// Nanoseconds from the origin to now.
    public func now() -> Int64 { nanoseconds(at: .now) }

    /// Nanoseconds from the origin to `instant`.
    public func nanoseconds(at instant: ContinuousClock.Instant) -> Int64 {
        (instant - origin).nanoseconds
    }

    /// The instant `nanoseconds` after the origin.
    public func instant(at nanoseconds: Int64) -> ContinuousClock.Instant {
        origin + .nanoseconds(nanoseconds)
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
