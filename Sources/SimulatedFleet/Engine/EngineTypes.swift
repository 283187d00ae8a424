/// Simulated time: nanoseconds since the fleet started.
public typealias SimTime = Int64

/// Identifies a request for its whole life in the fleet.
public typealias RequestID = UInt64

/// A request as the engine sees it: prompt tokens in, a number of tokens out.
public struct SimRequest: Sendable, Hashable {
    /// Fleet-wide id, from 1 in submission order; every event of the request carries it.
    public var id: RequestID
    /// The prompt as `SimTokenizer` token ids.
    public var promptTokens: [UInt32]
    /// Exactly how many tokens to generate (0 for encoder models).
    public var outputTokens: Int
    /// Selects the generated words; the same prompt gets the same seed.
    public var outputSeed: UInt64
    /// False: the request reuses no cached prefix and registers none of its blocks (a client
    /// that turned prompt caching off).
    public var usesPrefixCache = true

    /// A request; without `outputSeed`, the seed is derived from the prompt, so the same prompt gets the same words.
    public init(id: RequestID, promptTokens: [UInt32], outputTokens: Int, outputSeed: UInt64? = nil) {
        self.id = id
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.outputSeed = outputSeed ?? SimTokenizer.outputSeed(for: promptTokens)
    }
}

/// What the fleet reports for a finished request: the usage a server would return, and how
/// long it waited.
public struct RequestUsage: Sendable, Hashable {
    /// Prompt tokens of the request, cached ones included.
    public var promptTokens: Int
    /// Prompt tokens served from the prefix cache at first admission.
    public var cachedTokens: Int
    /// Prompt tokens this request newly wrote to the prefix cache.
    public var cacheWriteTokens: Int
    /// Tokens generated (0 for encoder models).
    public var outputTokens: Int
    /// Arrival → first admission into a batch, ns.
    public var queueTime: SimTime
    /// Times the request was preempted and recomputed.
    public var preemptions: Int
}

/// What the engine tells the outside world; delivered in order per request.
public enum EngineEvent: Sendable, Hashable {
    /// The request was scheduled into a batch for the first time, after waiting `queueTime` ns.
    case admitted(RequestID, queueTime: SimTime, cachedTokens: Int)
    /// Generated token number `index` (0-based) of the request.
    case token(RequestID, index: Int, text: String)
    /// The request is complete.
    case finished(RequestID, RequestUsage)
    /// The request cannot be served (too long for the context or the KV cache).
    case rejected(RequestID, reason: String)

    /// The request the event is about.
    public var requestID: RequestID {
        switch self {
        case .admitted(let id, _, _), .token(let id, _, _), .finished(let id, _), .rejected(let id, _): id
        }
    }
}

/// Scheduler limits of one replica.
public struct SchedulerLimits: Sendable, Hashable {
    /// Most sequences in a batch.
    public var maxRunningSequences: Int
    /// Most tokens computed per iteration (decode plus prefill).
    public var maxBatchedTokens: Int
    /// Most prefill tokens of one request per iteration (chunked prefill).
    public var prefillChunk: Int
    /// Free-block fraction that admission keeps in reserve.
    public var watermark: Double

    /// Limits as given; by default 256 sequences, 4,096 batched tokens, 512-token prefill chunks and a 1% watermark.
    public init(maxRunningSequences: Int = 256, maxBatchedTokens: Int = 4096, prefillChunk: Int = 512, watermark: Double = 0.01) {
        self.maxRunningSequences = maxRunningSequences
        self.maxBatchedTokens = maxBatchedTokens
        self.prefillChunk = prefillChunk
        self.watermark = watermark
    }
}
