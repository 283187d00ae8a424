public import SpecDecoding

/// How the simulated fleet spends time.
public enum TimingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Iterations take the time the roofline model gives (the HTTP server really sleeps).
    case realtime
    /// Every iteration takes no time: measures the client's own ceiling.
    case zero
}

/// How a deployment picks a replica for a request.
public enum Placement: String, Sendable, Hashable, Codable, CaseIterable {
    case roundRobin = "round_robin"
    /// Fewest running plus waiting requests.
    case leastLoaded = "least_loaded"
    /// The replica holding the longest cached prefix of the prompt; ties go to the least loaded.
    case prefixAffinity = "prefix_affinity"
}

/// One served model: a catalog model on catalog hardware, with vLLM-style scheduler settings.
public struct DeploymentConfiguration: Sendable, Hashable {
    /// The model name clients send (`"model": …`).
    public var name: String
    /// Catalog model id (see `ModelArchitecture.catalog`).
    public var model: String
    /// Catalog hardware id (see `Hardware.catalog`).
    public var hardware: String
    /// GPUs each replica is split over (a file may give 1, 2, 4 or 8).
    public var tensorParallel: Int = 1
    /// Identical replicas of the model (a file may give 1 to 64), each with its own KV and prefix cache.
    public var replicas: Int = 1
    /// How a request picks one of the replicas.
    public var placement: Placement = .leastLoaded
    /// vLLM `max_num_seqs`.
    public var maxNumSeqs: Int = 256
    /// vLLM `max_num_batched_tokens`.
    public var maxNumBatchedTokens: Int = 4096
    /// Most prefill tokens of one request per iteration.
    public var prefillChunk: Int = 512
    /// vLLM `gpu_memory_utilization`.
    public var gpuMemoryUtilization: Double = 0.9
    /// Overrides the KV capacity derived from memory, in tokens (to study KV pressure).
    public var kvCapacityTokens: Int?
    /// vLLM `max_model_len`: the longest context served (default: the model's own).
    public var maxModelLen: Int?
    /// η_bw.
    public var bandwidthEfficiency: Double = 0.75
    /// η_c.
    public var computeEfficiency: Double = 0.65
    /// Host-side work per iteration (scheduling, sampling, HTTP).
    public var cpuOverhead: DurationSpec = DurationSpec(.microseconds(500))
    /// Whether replicas reuse cached prompt blocks; when false, every prompt is computed whole.
    public var prefixCaching: Bool = true
    /// Report newly cached prompt tokens as `cache_write_tokens` (as providers that bill cache
    /// writes do); otherwise they count as uncached input.
    public var reportsCacheWrites: Bool = false

    /// A deployment serving catalog model `model` on catalog `hardware` as `name`, every other setting at its default.
    public init(name: String, model: String, hardware: String) {
        self.name = name
        self.model = model
        self.hardware = hardware
    }

    /// The most KV room a file may give: 10¹⁰ tokens, far above any GPU's (an H200 holds about
    /// 10⁶ tokens of a 70B model) and within the block table's 32-bit block numbers.
    public static let maximumKVCapacityTokens = 10_000_000_000

    /// The catalog entries, or a sentence saying which id is unknown.
    public func resolve() throws(FleetError) -> (ModelArchitecture, Hardware) {
        guard let architecture = ModelArchitecture.named(model) else {
            throw .unknownCatalogEntry(kind: "model", id: model, known: ModelArchitecture.catalog.map(\.id))
        }
        guard let device = Hardware.named(hardware) else {
            throw .unknownCatalogEntry(kind: "hardware", id: hardware, known: Hardware.catalog.map(\.id))
        }
        return (architecture, device)
    }
}

extension DeploymentConfiguration: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, model, hardware, tensorParallel = "tensor_parallel", replicas, placement
        case maxNumSeqs = "max_num_seqs", maxNumBatchedTokens = "max_num_batched_tokens"
        case prefillChunk = "prefill_chunk", gpuMemoryUtilization = "gpu_memory_utilization"
        case kvCapacityTokens = "kv_capacity_tokens", bandwidthEfficiency = "bandwidth_efficiency"
        case computeEfficiency = "compute_efficiency", cpuOverhead = "cpu_overhead"
        case prefixCaching = "prefix_caching", reportsCacheWrites = "reports_cache_writes"
        case maxModelLen = "max_model_len"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            model: try c.decode(String.self, forKey: .model),
            hardware: try c.decode(String.self, forKey: .hardware))
        try c.require(
            ModelArchitecture.named(model) != nil, .model,
            "unknown model \"\(model)\"; the catalog has \(ModelArchitecture.catalog.map(\.id).joined(separator: ", "))")
        try c.require(
            Hardware.named(hardware) != nil, .hardware,
            "unknown hardware \"\(hardware)\"; the catalog has \(Hardware.catalog.map(\.id).joined(separator: ", "))")
        tensorParallel = try c.decodeIfPresent(Int.self, forKey: .tensorParallel) ?? tensorParallel
        try c.require([1, 2, 4, 8].contains(tensorParallel), .tensorParallel, "expected 1, 2, 4 or 8")
        replicas = try c.decodeIfPresent(Int.self, forKey: .replicas) ?? replicas
        try c.require((1...64).contains(replicas), .replicas, "expected 1 to 64 replicas")
        placement = try c.decodeIfPresent(Placement.self, forKey: .placement) ?? placement
        maxNumSeqs = try c.decodeIfPresent(Int.self, forKey: .maxNumSeqs) ?? maxNumSeqs
        try c.require(maxNumSeqs >= 1, .maxNumSeqs, "expected at least 1")
        maxNumBatchedTokens = try c.decodeIfPresent(Int.self, forKey: .maxNumBatchedTokens) ?? maxNumBatchedTokens
        try c.require(maxNumBatchedTokens >= 16, .maxNumBatchedTokens, "expected at least 16")
        prefillChunk = try c.decodeIfPresent(Int.self, forKey: .prefillChunk) ?? prefillChunk
        try c.require(prefillChunk >= 1, .prefillChunk, "expected at least 1")
        gpuMemoryUtilization = try c.decodeIfPresent(Double.self, forKey: .gpuMemoryUtilization) ?? gpuMemoryUtilization
        try c.require(
            gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1, .gpuMemoryUtilization, "expected a fraction in (0, 1]")
        kvCapacityTokens = try c.decodeIfPresent(Int.self, forKey: .kvCapacityTokens)
        try c.require(
            (16...Self.maximumKVCapacityTokens).contains(kvCapacityTokens ?? 16), .kvCapacityTokens,
            "expected at least one 16-token block and at most \(Self.maximumKVCapacityTokens) tokens")
        bandwidthEfficiency = try c.decodeIfPresent(Double.self, forKey: .bandwidthEfficiency) ?? bandwidthEfficiency
        try c.require(bandwidthEfficiency > 0 && bandwidthEfficiency <= 1, .bandwidthEfficiency, "expected a fraction in (0, 1]")
        computeEfficiency = try c.decodeIfPresent(Double.self, forKey: .computeEfficiency) ?? computeEfficiency
        try c.require(computeEfficiency > 0 && computeEfficiency <= 1, .computeEfficiency, "expected a fraction in (0, 1]")
        cpuOverhead = try c.decodeIfPresent(DurationSpec.self, forKey: .cpuOverhead) ?? cpuOverhead
        prefixCaching = try c.decodeIfPresent(Bool.self, forKey: .prefixCaching) ?? prefixCaching
        reportsCacheWrites = try c.decodeIfPresent(Bool.self, forKey: .reportsCacheWrites) ?? reportsCacheWrites
        let (architecture, device) = try resolve()
        maxModelLen = try c.decodeIfPresent(Int.self, forKey: .maxModelLen)
        try c.require(
            (16...architecture.maxContext).contains(maxModelLen ?? 16), .maxModelLen,
            "expected 16 to \(architecture.maxContext) tokens, the context \(model) was trained for")
        let time = IterationTimeModel(model: architecture, hardware: device, tensorParallel: tensorParallel)
        try c.require(
            kvCapacityTokens != nil || time.kvCapacityTokens(memoryUtilization: gpuMemoryUtilization) >= 16, .model,
            "\(model) does not fit on \(tensorParallel) × \(hardware) at gpu_memory_utilization \(gpuMemoryUtilization); raise tensor_parallel"
        )
        // As vLLM refuses to start, a KV cache that cannot hold one full-length sequence is refused
        // (70B in BF16 on 2 × 80 GB leaves room for about 9,000 tokens of a 131,072-token context).
        let capacity = time.kvCapacityTokens(memoryUtilization: gpuMemoryUtilization)
        let context = servedContext(of: architecture)
        let weights = architecture.weightBytes / 1e9
        let memory = Double(tensorParallel) * device.memoryBytes * gpuMemoryUtilization / 1e9
        try c.require(
            kvCapacityTokens != nil || capacity >= context, maxModelLen == nil ? .model : .maxModelLen,
            "\(model) on \(tensorParallel) × \(hardware) leaves \(Self.gigabytes(memory - weights)) GB of \(Self.gigabytes(memory)) GB (gpu_memory_utilization \(gpuMemoryUtilization)) for the KV cache after \(Self.gigabytes(weights)) GB of weights: \(capacity) tokens, fewer than one \(context)-token sequence (max_model_len); raise tensor_parallel or gpu_memory_utilization, or lower max_model_len"
        )
    }

    /// The longest context the deployment serves: `max_model_len`, else the model's own.
    public func servedContext(of architecture: ModelArchitecture) -> Int { maxModelLen ?? architecture.maxContext }

    /// One decimal, without Foundation's formatters.
    private static func gigabytes(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 && tenths > 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(model, forKey: .model)
        try c.encode(hardware, forKey: .hardware)
        try c.encode(tensorParallel, forKey: .tensorParallel)
        try c.encode(replicas, forKey: .replicas)
        try c.encode(placement, forKey: .placement)
        try c.encode(maxNumSeqs, forKey: .maxNumSeqs)
        try c.encode(maxNumBatchedTokens, forKey: .maxNumBatchedTokens)
        try c.encode(prefillChunk, forKey: .prefillChunk)
        try c.encode(gpuMemoryUtilization, forKey: .gpuMemoryUtilization)
        try c.encodeIfPresent(kvCapacityTokens, forKey: .kvCapacityTokens)
        try c.encodeIfPresent(maxModelLen, forKey: .maxModelLen)
        try c.encode(bandwidthEfficiency, forKey: .bandwidthEfficiency)
        try c.encode(computeEfficiency, forKey: .computeEfficiency)
        try c.encode(cpuOverhead, forKey: .cpuOverhead)
        try c.encode(prefixCaching, forKey: .prefixCaching)
        try c.encode(reportsCacheWrites, forKey: .reportsCacheWrites)
    }
}

/// The whole simulated fleet: deployments and how time passes.
public struct FleetConfiguration: Sendable, Hashable {
    /// How iterations spend time; `realtime` unless a file says otherwise.
    public var timing: TimingMode
    /// The served models; a decoded file has at least one, with distinct names, or the built-in ones when it lists none.
    public var deployments: [DeploymentConfiguration]
    /// Faults the HTTP server injects (none by default).
    public var faults: FaultInjection?

    /// A fleet of `deployments`; `realtime` timing and no faults by default.
    public init(timing: TimingMode = .realtime, deployments: [DeploymentConfiguration], faults: FaultInjection? = nil) {
        self.timing = timing
        self.deployments = deployments
        self.faults = faults
    }
}

extension FleetConfiguration: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case timing, deployments, faults }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timing = try c.decodeIfPresent(TimingMode.self, forKey: .timing) ?? .realtime
        // Without deployments, the built-in ones (so `fleet: {faults: …}` alone works).
        deployments = try c.decodeIfPresent([DeploymentConfiguration].self, forKey: .deployments) ?? Self.default.deployments
        try c.require(!deployments.isEmpty, .deployments, "expected at least one deployment")
        faults = try c.decodeIfPresent(FaultInjection.self, forKey: .faults)
        var seen: Set<String> = []
        for deployment in deployments {
            try c.require(
                seen.insert(deployment.name).inserted, .deployments,
                "two deployments serve the model name \"\(deployment.name)\"")
        }
    }
}

extension FleetConfiguration {
    /// The fleet `agentperf run` starts when a workload names none: a small and a large chat
    /// model and an embedding model, sized so that 64 concurrent agents exceed its capacity.
    public static let `default` = FleetConfiguration(deployments: [
        {
            var small = DeploymentConfiguration(name: "sim-small", model: "llama-3.1-8b", hardware: "h100-sxm")
            small.maxNumSeqs = 16
            return small
        }(),
        {
            var large = DeploymentConfiguration(name: "sim-large", model: "llama-3.1-70b", hardware: "h200")
            large.tensorParallel = 4
            large.maxNumSeqs = 8
            large.reportsCacheWrites = true
            return large
        }(),
        {
            var embed = DeploymentConfiguration(name: "sim-embed", model: "bge-large-en-v1.5", hardware: "l4")
            embed.maxNumSeqs = 64
            return embed
        }(),
    ])
}

/// Errors from the simulated fleet, as sentences a user can act on.
public struct FleetError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownModel(String, served: [String])
        case unknownCatalogEntry(kind: String, id: String, known: [String])
        case rejected(String)
        case wrongKind(model: String, expected: String)
    }
    private let code: Code

    /// No deployment serves `name`; `served` lists the names that are served.
    public static func unknownModel(_ name: String, served: [String]) -> FleetError {
        FleetError(code: .unknownModel(name, served: served))
    }
    /// `id` is not in the `kind` catalog (`model` or `hardware`); `known` lists the catalog's ids.
    public static func unknownCatalogEntry(kind: String, id: String, known: [String]) -> FleetError {
        FleetError(code: .unknownCatalogEntry(kind: kind, id: id, known: known))
    }
    /// The engine can never serve the request (too long for the model's context or the KV cache); `reason` says why.
    public static func rejected(_ reason: String) -> FleetError { FleetError(code: .rejected(reason)) }
    /// The served `model` is not of the kind the call needs; `expected` ends the message's sentence "is not …".
    public static func wrongKind(model: String, expected: String) -> FleetError {
        FleetError(code: .wrongKind(model: model, expected: expected))
    }

    /// True for errors caused by the request (HTTP 4xx) rather than the fleet.
    public var isModelNotFound: Bool {
        if case .unknownModel = code { return true }
        return false
    }

    public var description: String {
        switch code {
        case .unknownModel(let name, let served):
            "the model \"\(name)\" does not exist; this fleet serves \(served.joined(separator: ", "))"
        case .unknownCatalogEntry(let kind, let id, let known):
            "unknown \(kind) \"\(id)\"; the catalog has \(known.joined(separator: ", "))"
        case .rejected(let reason): reason
        case .wrongKind(let model, let expected): "the model \"\(model)\" is not \(expected)"
        }
    }
}

extension FleetConfiguration {
    /// Each deployment in a few words, for run headers and the `serve-sim` banner: what is served
    /// on what, how many replicas over how many GPUs, and the settings that change reported
    /// figures (prefix caching, cache writes), e.g.
    /// `chat-small = llama-3.1-8b on 1×h100-sxm, 2 replicas; prefix caching, cache writes not reported`.
    public var headline: String {
        let deployments = deployments.map { deployment in
            let replicas = deployment.replicas == 1 ? "1 replica" : "\(deployment.replicas) replicas"
            let caching = deployment.prefixCaching ? "prefix caching" : "no prefix caching"
            let writes = deployment.reportsCacheWrites ? "cache writes reported" : "cache writes not reported"
            return "\(deployment.name) = \(deployment.model) on \(deployment.tensorParallel)×\(deployment.hardware), "
                + "\(replicas); \(caching), \(writes)"
        }
        return deployments.joined(separator: " | ") + (timing == .zero ? " | zero latency" : "")
    }
}
