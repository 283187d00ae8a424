/// An event the fleet produced, with the simulated time it happened.
public struct TimedEvent: Sendable, Hashable {
    /// Simulated time of the event, in nanoseconds since the fleet started.
    public var time: SimTime
    /// What happened: an admission, a token, a finish or a rejection.
    public var event: EngineEvent
}

/// Drives a `Fleet` in virtual time: iterations complete instantly in wall-clock terms, in the
/// order their simulated end times give. For what-if studies and deterministic tests; the same
/// engine serves HTTP in real time through `ClockedFleet`.
public struct VirtualTimeFleet: Sendable {
    public private(set) var fleet: Fleet
    /// Current simulated time, ns.
    public private(set) var now: SimTime = 0
    private var iterationEnds: [ReplicaAddress: SimTime] = [:]
    private var pending: [TimedEvent] = []

    /// A fleet built from `configuration`, idle at time 0; throws when a deployment names an unknown model or hardware.
    public init(configuration: FleetConfiguration) throws(FleetError) {
        fleet = try Fleet(configuration: configuration)
    }

    /// Submits a request at the current time; idle replicas start at once.
    @discardableResult
    public mutating func submit(model: String, promptTokens: [UInt32], outputTokens: Int) throws(FleetError) -> RequestID {
        let (id, address) = try fleet.submit(model: model, promptTokens: promptTokens, outputTokens: outputTokens, at: now)
        if iterationEnds[address] == nil { start(address) }
        return id
    }

    /// The end of the earliest running iteration, if any replica is busy.
    public var nextEventTime: SimTime? { iterationEnds.values.min() }

    /// Completes the earliest iteration (ties in replica order), starts the replica's next one,
    /// and returns what happened. Returns an empty list when the fleet is idle.
    public mutating func step() -> [TimedEvent] {
        guard let (address, end) = iterationEnds.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else {
            return []
        }
        now = end
        iterationEnds[address] = nil
        var events = pending
        pending = []
        events += fleet.completeIteration(address, at: end).map { TimedEvent(time: end, event: $0) }
        start(address)
        events += pending
        pending = []
        return events
    }

    /// Moves the clock forward to `time` (no earlier than now), completing every iteration that
    /// ends by then.
    public mutating func advance(to time: SimTime) -> [TimedEvent] {
        var events: [TimedEvent] = []
        while let next = nextEventTime, next <= time {
            events += step()
        }
        now = max(now, time)
        return events
    }

    /// Runs until every request has finished.
    public mutating func runUntilIdle() -> [TimedEvent] {
        var events: [TimedEvent] = []
        while nextEventTime != nil { events += step() }
        return events
    }

    private mutating func start(_ address: ReplicaAddress) {
        guard let (duration, events) = fleet.beginIteration(address, at: now) else { return }
        pending += events.map { TimedEvent(time: now, event: $0) }
        iterationEnds[address] = now + duration
    }
}
