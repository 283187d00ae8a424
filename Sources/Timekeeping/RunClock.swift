/// The run's clock: every timestamp a run records and every wait it makes goes through one
/// instance, passed in.
///
/// Times are nanoseconds from the run's origin (`Int64`), the unit of every trace timestamp.
/// Two implementations: `ContinuousRunClock` (real runs: monotonic, counts time asleep) and
/// `VirtualClock` (simulated runs: time moves only when every task is waiting, straight to the
/// next deadline; see `VirtualTime`). Code that stamps or waits never asks which one it has,
/// which is what lets the same scheduler, agent loops, tools and fleet run in either.
public protocol RunClock: Sendable {
    /// Nanoseconds from the run's origin to now.
    func now() -> Int64

    /// Suspends until the clock reads at least `deadline`; returns at once if it already does.
    /// Throws `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Int64) async throws
}

extension RunClock {
    /// Suspends for `duration` (at once for zero or less); throws `CancellationError` if cancelled.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now().adding(nanoseconds: duration.nanoseconds))
    }

    /// The instant `duration` from now, saturating.
    public func deadline(after duration: Duration) -> Int64 {
        now().adding(nanoseconds: duration.nanoseconds)
    }

    /// Time left until `deadline` (zero or negative once it has passed).
    public func remaining(until deadline: Int64) -> Duration {
        .nanoseconds(deadline.adding(nanoseconds: -now()))
    }
}

/// The clock of real runs: `ContinuousClock` from an origin taken when the run starts.
public struct ContinuousRunClock: RunClock {
    /// The instant trace timestamps count from.
    public let origin: ContinuousClock.Instant

    /// A clock that reads 0 at `origin` (by default, the moment it is made).
    public init(origin: ContinuousClock.Instant = .now) {
        self.origin = origin
    }

    /// Nanoseconds of `ContinuousClock` time since `origin`, time the machine slept included.
    public func now() -> Int64 { (ContinuousClock.now - origin).nanoseconds }

    /// Sleeps until `deadline` ns after `origin`; returns at once if that has passed, throws `CancellationError` if cancelled.
    public func sleep(until deadline: Int64) async throws {
        try Task.checkCancellation()
        guard deadline > now() else { return }
        try await Task.sleep(until: origin + .nanoseconds(deadline), clock: .continuous)
    }
}
