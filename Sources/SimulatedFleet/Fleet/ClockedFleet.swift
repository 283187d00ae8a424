public import Timekeeping

/// Drives a `Fleet` on a run clock: each replica's iteration takes the time the model gives
/// (the replica's task sleeps on the clock). On a `ContinuousRunClock` that is real time, so
/// clients over HTTP measure real latency; on a `VirtualClock` the same loops run in simulated
/// time, as fast as the machine computes them.
///
/// One loop per replica runs inside `run()`; a loop waits while its replica is idle and wakes
/// when a request is placed on it. Requests that arrive during an iteration join the next one,
/// as in a real continuous-batching server.
public actor ClockedFleet {
    private var fleet: Fleet
    private let clock: any RunClock
    private var subscribers: [RequestID: AsyncStream<EngineEvent>.Continuation] = [:]
    private var placements: [RequestID: ReplicaAddress] = [:]
    private var counters: [String: ServedCounters] = [:]
    private var models: [RequestID: String] = [:]
    /// When a request was last placed on each replica (an iteration never starts before it).
    private var lastSubmission: [ReplicaAddress: SimTime] = [:]
    private let wakeups: [ReplicaAddress: AsyncStream<Void>.Continuation]
    private let wakeupStreams: [ReplicaAddress: AsyncStream<Void>]
    private let replicaOrder: [ReplicaAddress]

    /// A fleet built from `configuration`, timed on `clock`; throws when a deployment names an unknown model or hardware.
    public init(configuration: FleetConfiguration, clock: any RunClock) throws(FleetError) {
        fleet = try Fleet(configuration: configuration)
        self.clock = clock
        var continuations: [ReplicaAddress: AsyncStream<Void>.Continuation] = [:]
        var streams: [ReplicaAddress: AsyncStream<Void>] = [:]
        for address in fleet.replicaAddresses {
            let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            continuations[address] = continuation
            streams[address] = stream
        }
        wakeups = continuations
        wakeupStreams = streams
        replicaOrder = fleet.replicaAddresses
    }

    /// The served models.
    public var servedModels: [ServedModel] { fleet.servedModels }

    /// The served model `name`.
    public func model(named name: String) throws(FleetError) -> ServedModel { try fleet.model(named: name) }

    /// Whether the deployment serving `name` reports cache writes.
    public func reportsCacheWrites(_ name: String) -> Bool { fleet.reportsCacheWrites(name) }

    /// Queues a request; its events arrive on the returned stream, which ends after
    /// `.finished` or `.rejected`.
    public func submit(
        model: String, promptTokens: [UInt32], outputTokens: Int, usesPrefixCache: Bool = true
    ) throws(FleetError) -> (RequestID, AsyncStream<EngineEvent>) {
        let (id, address) = try fleet.submit(
            model: model, promptTokens: promptTokens, outputTokens: outputTokens, usesPrefixCache: usesPrefixCache, at: now)
        models[id] = model
        lastSubmission[address] = now
        let (stream, continuation) = AsyncStream.makeStream(of: EngineEvent.self)
        subscribers[id] = continuation
        placements[id] = address
        wakeups[address]?.yield()
        return (id, stream)
    }

    /// What each model has served so far, by served model name.
    public var served: [String: ServedCounters] { counters }

    /// Load of every replica, by served model name, in replica order.
    public var replicaStatus: [(model: String, status: ReplicaStatus)] {
        let names = fleet.servedModels.map(\.name)
        return fleet.replicaAddresses.map { (names[$0.deployment], fleet.status(of: $0)) }
    }

    /// Abandons a request (its client went away). Does nothing if it already finished.
    public func cancel(_ id: RequestID) {
        guard let address = placements.removeValue(forKey: id) else { return }
        fleet.abort(id, on: address)
        subscribers.removeValue(forKey: id)?.finish()
        if let model = models.removeValue(forKey: id) { counters[model, default: ServedCounters()].abandoned += 1 }
    }

    /// Runs every replica until the task is cancelled.
    public nonisolated func run() async {
        // In replica order, not the dictionary's (which differs from process to process), so
        // that a virtual-time run interleaves the replicas the same way every time.
        await withDiscardingTaskGroup { group in
            for address in replicaOrder {
                guard let wakeup = wakeupStreams[address] else { continue }
                group.addTask { await self.runReplica(address, wakeups: wakeup) }
            }
        }
        await finishAll()
    }

    private nonisolated func runReplica(_ address: ReplicaAddress, wakeups: AsyncStream<Void>) async {
        for await _ in wakeups {
            // While the replica stays busy, each iteration starts where the last one was due to
            // end, not where the sleep happened to wake: in real time every wake-up is late by
            // tens to hundreds of µs, and with one iteration per token that lateness would add up
            // to a slower engine than the model (0.5 ms a token in a debug build). A wake-up later
            // than `catchUpLimit` is a real stall, which a real server suffers too: not made up.
            var scheduledEnd: SimTime?
            while !Task.isCancelled, let (start, duration) = await beginIteration(address, due: scheduledEnd) {
                let end = start.adding(nanoseconds: duration)
                if duration > 0 {
                    try? await clock.sleep(until: end)
                    scheduledEnd = end
                } else {
                    await Task.yield()
                    scheduledEnd = nil  // zero-latency: nothing is due, every iteration starts now
                }
                await completeIteration(address, at: end)
            }
            if Task.isCancelled { return }
        }
    }

    private var now: SimTime { clock.now() }

    /// The longest wake-up delay an iteration's start is moved back over (see `runReplica`).
    static let catchUpLimit: SimTime = 2_000_000

    private func beginIteration(_ address: ReplicaAddress, due: SimTime?) -> (SimTime, SimTime)? {
        let now = clock.now()
        let caughtUp = due.map { now >= $0 && now - $0 <= Self.catchUpLimit ? $0 : now } ?? now
        // Never before a request placed on the replica while it was waking: it would be admitted
        // into an iteration that began before it arrived.
        let start = max(caughtUp, lastSubmission[address] ?? caughtUp)
        guard let (duration, events) = fleet.beginIteration(address, at: start) else { return nil }
        deliver(events)
        return (start, duration)
    }

    /// Completes the iteration due to end at `end` (now in virtual time; a little before now in
    /// real time, so the engine's own times stay on the model's schedule).
    private func completeIteration(_ address: ReplicaAddress, at end: SimTime) {
        deliver(fleet.completeIteration(address, at: min(end, now)))
    }

    private func deliver(_ events: [EngineEvent]) {
        for event in events {
            let id = event.requestID
            subscribers[id]?.yield(event)
            switch event {
            case .finished(_, let usage):
                if let model = models.removeValue(forKey: id) { counters[model, default: ServedCounters()].add(usage) }
                subscribers.removeValue(forKey: id)?.finish()
                placements[id] = nil
            case .rejected:
                if let model = models.removeValue(forKey: id) { counters[model, default: ServedCounters()].rejected += 1 }
                subscribers.removeValue(forKey: id)?.finish()
                placements[id] = nil
            case .admitted, .token:
                break
            }
        }
    }

    private func finishAll() {
        for id in subscribers.keys.sorted() { subscribers[id]?.finish() }
        subscribers.removeAll()
        for address in replicaOrder { wakeups[address]?.finish() }
    }
}

/// Totals one served model has produced, for the server's `/metrics`.
public struct ServedCounters: Sendable, Hashable {
    /// Requests that finished.
    public var completed = 0
    /// Requests the engine could never serve (too long for the model's context or the replica's KV cache).
    public var rejected = 0
    /// Requests cancelled before they finished (their client went away).
    public var abandoned = 0
    /// Prompt tokens of finished requests, cached ones included.
    public var promptTokens = 0
    /// Prompt tokens of finished requests served from the prefix cache.
    public var cachedPromptTokens = 0
    /// Prompt tokens finished requests newly wrote to the prefix cache.
    public var cacheWriteTokens = 0
    /// Tokens generated for finished requests.
    public var generationTokens = 0
    /// Times finished requests were preempted and recomputed.
    public var preemptions = 0

    /// Every counter zero.
    public init() {}

    mutating func add(_ usage: RequestUsage) {
        completed += 1
        promptTokens += usage.promptTokens
        cachedPromptTokens += usage.cachedTokens
        cacheWriteTokens += usage.cacheWriteTokens
        generationTokens += usage.outputTokens
        preemptions += usage.preemptions
    }
}
