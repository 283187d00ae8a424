import SpecDecoding

/// Where a request runs: a deployment and one of its replicas.
public struct ReplicaAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Index of the deployment in the configuration, from 0.
    public var deployment: Int
    /// Index of the replica in its deployment, from 0.
    public var replica: Int

    public static func < (lhs: ReplicaAddress, rhs: ReplicaAddress) -> Bool {
        (lhs.deployment, lhs.replica) < (rhs.deployment, rhs.replica)
    }

    public var description: String { "\(deployment).\(replica)" }
}

/// A served model, as `/v1/models` lists it.
public struct ServedModel: Sendable, Hashable {
    /// The name clients send as `model`: the deployment's name (`sim-small`).
    public var name: String
    /// The catalog model the deployment runs.
    public var architecture: ModelArchitecture
}

/// Every deployment's replicas and the placement of requests onto them: the deterministic
/// state of the whole fleet, with no clock of its own. `VirtualTimeFleet` and `ClockedFleet`
/// drive it.
public struct Fleet: Sendable {
    private struct Deployment: Sendable {
        var configuration: DeploymentConfiguration
        var architecture: ModelArchitecture
        var replicas: [ReplicaEngine]
        var nextRoundRobin = 0
    }

    private var deployments: [Deployment]
    private var nextRequestID: RequestID = 1
    /// How iterations spend time: the model's time (`realtime`) or none (`zero`).
    public let timing: TimingMode

    /// Builds every deployment's replicas, idle; throws when a deployment names a model or hardware not in the catalogs.
    public init(configuration: FleetConfiguration) throws(FleetError) {
        timing = configuration.timing
        deployments = try configuration.deployments.map { deployment throws(FleetError) in
            var (architecture, hardware) = try deployment.resolve()
            architecture.maxContext = deployment.servedContext(of: architecture)
            let timeModel = IterationTimeModel(
                model: architecture, hardware: hardware, tensorParallel: deployment.tensorParallel,
                bandwidthEfficiency: deployment.bandwidthEfficiency, computeEfficiency: deployment.computeEfficiency,
                cpuOverhead: deployment.cpuOverhead.seconds)
            let capacity =
                deployment.kvCapacityTokens
                ?? timeModel.kvCapacityTokens(memoryUtilization: deployment.gpuMemoryUtilization)
            let limits = SchedulerLimits(
                maxRunningSequences: deployment.maxNumSeqs, maxBatchedTokens: deployment.maxNumBatchedTokens,
                prefillChunk: deployment.prefillChunk)
            let replica = ReplicaEngine(
                timeModel: timeModel, limits: limits, kvCapacityTokens: capacity,
                prefixCaching: deployment.prefixCaching, zeroLatency: configuration.timing == .zero)
            return Deployment(
                configuration: deployment, architecture: architecture,
                replicas: Array(repeating: replica, count: deployment.replicas))
        }
    }

    /// Every served model, in configuration order.
    public var servedModels: [ServedModel] {
        deployments.map { ServedModel(name: $0.configuration.name, architecture: $0.architecture) }
    }

    /// Every replica's address.
    public var replicaAddresses: [ReplicaAddress] {
        deployments.indices.flatMap { d in
            deployments[d].replicas.indices.map { ReplicaAddress(deployment: d, replica: $0) }
        }
    }

    /// The served model `name`, or an error listing what is served.
    public func model(named name: String) throws(FleetError) -> ServedModel {
        guard let deployment = deployments.first(where: { $0.configuration.name == name }) else {
            throw .unknownModel(name, served: deployments.map(\.configuration.name))
        }
        return ServedModel(name: name, architecture: deployment.architecture)
    }

    /// Whether the deployment of `name` reports cache writes in usage.
    public func reportsCacheWrites(_ name: String) -> Bool {
        deployments.first { $0.configuration.name == name }?.configuration.reportsCacheWrites ?? false
    }

    /// Places a request on a replica of the deployment serving `model` and queues it there.
    /// Without `usesPrefixCache`, the request neither reads nor writes the prefix cache.
    public mutating func submit(
        model: String, promptTokens: [UInt32], outputTokens: Int, usesPrefixCache: Bool = true, at now: SimTime
    ) throws(FleetError) -> (id: RequestID, replica: ReplicaAddress) {
        guard let d = deployments.firstIndex(where: { $0.configuration.name == model }) else {
            throw .unknownModel(model, served: deployments.map(\.configuration.name))
        }
        let id = nextRequestID
        nextRequestID += 1
        var request = SimRequest(id: id, promptTokens: promptTokens, outputTokens: outputTokens)
        request.usesPrefixCache = usesPrefixCache
        let hashes = ReplicaEngine.blockHashes(of: promptTokens)
        let r = choose(in: d, hashes: hashes)
        if case .rejected(_, let reason) = deployments[d].replicas[r].enqueue(request, promptHashes: hashes, at: now) {
            throw .rejected(reason)
        }
        return (id, ReplicaAddress(deployment: d, replica: r))
    }

    /// Drops a request the client abandoned.
    public mutating func abort(_ id: RequestID, on address: ReplicaAddress) {
        deployments[address.deployment].replicas[address.replica].abort(id)
    }

    /// True when the replica has requests and no iteration in progress.
    public func isIdleWithWork(_ address: ReplicaAddress) -> Bool {
        let replica = deployments[address.deployment].replicas[address.replica]
        return replica.hasWork && !replica.isIterating
    }

    /// Starts the replica's next iteration: its duration (ns) and admissions, or `nil` if idle.
    public mutating func beginIteration(_ address: ReplicaAddress, at now: SimTime) -> (duration: SimTime, events: [EngineEvent])?
    {
        deployments[address.deployment].replicas[address.replica].beginIteration(at: now)
    }

    /// Finishes the replica's current iteration.
    public mutating func completeIteration(_ address: ReplicaAddress, at now: SimTime) -> [EngineEvent] {
        deployments[address.deployment].replicas[address.replica].completeIteration(at: now)
    }

    /// Load and memory of one replica, for tests and progress displays.
    public func status(of address: ReplicaAddress) -> ReplicaStatus {
        let replica = deployments[address.deployment].replicas[address.replica]
        return ReplicaStatus(
            running: replica.runningCount, waiting: replica.waitingCount,
            usedBlocks: replica.blocks.usedBlocks, totalBlocks: replica.blocks.totalBlocks)
    }

    private mutating func choose(in d: Int, hashes: [UInt64]) -> Int {
        let replicas = deployments[d].replicas
        guard replicas.count > 1 else { return 0 }
        let leastLoaded = { (candidates: [Int]) in candidates.min { replicas[$0].load < replicas[$1].load }! }
        switch deployments[d].configuration.placement {
        case .roundRobin:
            defer { deployments[d].nextRoundRobin += 1 }
            return deployments[d].nextRoundRobin % replicas.count
        case .leastLoaded:
            return leastLoaded(Array(replicas.indices))
        case .prefixAffinity:
            let hits = replicas.map { $0.cachedPrefixBlocks(hashes) }
            let best = hits.max()!
            return leastLoaded(replicas.indices.filter { hits[$0] == best })
        }
    }
}

/// A snapshot of one replica.
public struct ReplicaStatus: Sendable, Hashable {
    /// Requests in the running batch.
    public var running: Int
    /// Requests queued, waiting for admission.
    public var waiting: Int
    /// KV-cache blocks (16 tokens each) that running requests reference; unreferenced cached blocks do not count.
    public var usedBlocks: Int
    /// KV-cache blocks the replica has in all.
    public var totalBlocks: Int
}
