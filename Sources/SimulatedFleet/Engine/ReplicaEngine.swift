import DequeModule

/// One model replica: a continuous-batching scheduler over a KV block pool, as vLLM runs one
/// (SPEC §7). A deterministic state machine with no clock of its own: a driver calls
/// `beginIteration(at:)`, waits the returned duration (really or virtually), then calls
/// `completeIteration(at:)`.
///
/// Each iteration first gives every running sequence its share of the token budget (one token
/// for a decoding sequence, up to a chunk for one still in prefill), then admits waiting
/// requests first come, first served while sequences, budget and KV blocks (above the
/// watermark) allow. When a running sequence needs a block and none is left, the newest
/// running request is preempted and later recomputed.
struct ReplicaEngine: Sendable {
    private struct State: Sendable {
        var request: SimRequest
        var promptHashes: [UInt64]
        var arrival: SimTime
        var firstAdmission: SimTime?
        var blocks: [Int32] = []
        /// Tokens whose KV is computed.
        var computed = 0
        var generated = 0
        /// Tokens to compute before the next sample (prompt plus tokens generated before a preemption).
        var prefillTarget = 0
        var cachedTokens = 0
        var cacheWriteTokens = 0
        /// Leading blocks already registered in the prefix cache.
        var registeredBlocks = 0
        var chainHash = FNV1a.offset64
        var preemptions = 0

        func token(at position: Int) -> UInt32 {
            position < request.promptTokens.count
                ? request.promptTokens[position]
                : SimTokenizer.outputToken(seed: request.outputSeed, index: position - request.promptTokens.count)
        }
    }

    private struct Planned: Sendable {
        var id: RequestID
        var tokens: Int
        var samples: Bool
    }

    let timeModel: IterationTimeModel
    let limits: SchedulerLimits
    let zeroLatency: Bool
    private(set) var blocks: BlockManager
    private var waiting = Deque<RequestID>()
    private var running: [RequestID] = []
    private var states: [RequestID: State] = [:]
    private var plan: [Planned]?

    init(timeModel: IterationTimeModel, limits: SchedulerLimits, kvCapacityTokens: Int, prefixCaching: Bool, zeroLatency: Bool) {
        self.timeModel = timeModel
        self.limits = limits
        self.zeroLatency = zeroLatency
        blocks = BlockManager(
            totalBlocks: kvCapacityTokens / BlockManager.blockSize, cachingEnabled: prefixCaching)
    }

    /// Requests waiting or running.
    var load: Int { waiting.count + running.count }
    var runningCount: Int { running.count }
    var waitingCount: Int { waiting.count }
    var isIterating: Bool { plan != nil }
    var hasWork: Bool { !waiting.isEmpty || !running.isEmpty }

    /// Full-block hashes of `tokens`, chained from the first block.
    static func blockHashes(of tokens: [UInt32]) -> [UInt64] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(tokens.count / BlockManager.blockSize)
        var hash = FNV1a.offset64
        for (position, token) in tokens.enumerated() {
            hash = FNV1a.mix(hash, token)
            if (position + 1) % BlockManager.blockSize == 0 { hashes.append(hash) }
        }
        return hashes
    }

    /// Cached leading blocks of a prompt with these block hashes (for prefix-affinity routing).
    func cachedPrefixBlocks(_ hashes: [UInt64]) -> Int { blocks.cachedPrefixLength(hashes) }

    /// Queues a request. Returns a rejection event when it can never be served.
    mutating func enqueue(_ request: SimRequest, promptHashes: [UInt64], at now: SimTime) -> EngineEvent? {
        let model = timeModel.model
        let total = request.promptTokens.count + request.outputTokens
        if total > model.maxContext {
            return .rejected(
                request.id,
                reason:
                    "prompt (\(request.promptTokens.count) tokens) plus requested output (\(request.outputTokens)) exceeds the context served, \(model.maxContext) tokens (max_model_len)"
            )
        }
        if BlockManager.blocksNeeded(forTokens: total) > blocks.totalBlocks {
            return .rejected(
                request.id,
                reason:
                    "request needs \(total) tokens of KV cache but the replica holds only \(blocks.totalBlocks * BlockManager.blockSize)"
            )
        }
        states[request.id] = State(request: request, promptHashes: promptHashes, arrival: now)
        waiting.append(request.id)
        return nil
    }

    /// Drops a request (the client went away), freeing its blocks.
    mutating func abort(_ id: RequestID) {
        guard let state = states.removeValue(forKey: id) else { return }
        if let index = running.firstIndex(of: id) {
            running.remove(at: index)
            blocks.release(state.blocks)
        } else if let index = waiting.firstIndex(of: id) {
            waiting.remove(at: index)
        }
    }

    /// Plans the next iteration. Returns its duration in ns and the admissions it made, or
    /// `nil` when there is nothing to do.
    mutating func beginIteration(at now: SimTime) -> (duration: SimTime, events: [EngineEvent])? {
        precondition(plan == nil, "beginIteration called twice without completeIteration")
        var budget = limits.maxBatchedTokens
        var work = IterationWork()
        var planned: [Planned] = []
        var events: [EngineEvent] = []
        let model = timeModel.model

        // 1. Running sequences, oldest first.
        var index = 0
        while index < running.count, budget > 0 {
            let id = running[index]
            guard var state = states[id] else { running.remove(at: index); continue }
            let remaining = state.prefillTarget - state.computed
            let tokens = remaining > 0 ? min(remaining, limits.prefillChunk, budget) : 1
            // Make room for the new tokens' KV, preempting the newest request if needed.
            var preemptedSelf = false
            while BlockManager.blocksNeeded(forTokens: state.computed + tokens) > state.blocks.count {
                if let block = blocks.allocate() {
                    state.blocks.append(block)
                    continue
                }
                let victim = running.last!
                if victim == id {
                    states[id] = state
                    preempt(id)
                    preemptedSelf = true
                    break
                }
                preempt(victim)
            }
            if preemptedSelf { continue }
            let samples = remaining <= tokens && model.kind == .generative
            work.add(queryTokens: tokens, context: state.computed, samples: samples, model: model)
            planned.append(Planned(id: id, tokens: tokens, samples: samples))
            budget -= tokens
            states[id] = state
            index += 1
        }

        // 2. Admit waiting requests, first come first served.
        let reserve = Int((Double(blocks.totalBlocks) * limits.watermark).rounded(.up))
        while budget > 0, running.count < limits.maxRunningSequences, let id = waiting.first {
            guard var state = states[id] else { waiting.removeFirst(); continue }
            let sequence = state.request.promptTokens.count + state.generated
            let hashes = state.generated == 0 ? state.promptHashes : Self.blockHashes(of: (0..<sequence).map(state.token))
            // Reuse at most all but the last token: the last one must be computed to sample.
            let reusable =
                state.request.usesPrefixCache
                ? min(blocks.cachedPrefixLength(hashes), (sequence - 1) / BlockManager.blockSize) : 0
            let needed = BlockManager.blocksNeeded(forTokens: sequence) - reusable
            let consumed = needed + blocks.unreferencedCount(hashes.prefix(reusable))
            guard blocks.availableBlocks - consumed >= reserve || running.isEmpty && blocks.availableBlocks >= consumed
            else { break }
            waiting.removeFirst()
            state.blocks = blocks.acquireCached(hashes.prefix(reusable))
            for _ in 0..<needed { state.blocks.append(blocks.allocate()!) }
            state.computed = reusable * BlockManager.blockSize
            state.registeredBlocks = reusable
            state.chainHash = reusable > 0 ? hashes[reusable - 1] : FNV1a.offset64
            state.prefillTarget = sequence
            if state.firstAdmission == nil {
                state.firstAdmission = now
                state.cachedTokens = state.computed
                events.append(.admitted(id, queueTime: now - state.arrival, cachedTokens: state.computed))
            }
            let tokens = min(sequence - state.computed, limits.prefillChunk, budget)
            let samples = state.computed + tokens == sequence && model.kind == .generative
            work.add(queryTokens: tokens, context: state.computed, samples: samples, model: model)
            planned.append(Planned(id: id, tokens: tokens, samples: samples))
            budget -= tokens
            running.append(id)
            states[id] = state
        }

        guard !planned.isEmpty else { return nil }
        plan = planned
        let seconds = zeroLatency ? 0 : timeModel.seconds(for: work)
        return (SimTime((seconds * 1e9).rounded()), events)
    }

    /// Applies the planned iteration: advances every sequence in it and returns the tokens
    /// generated and the requests finished, in batch order.
    mutating func completeIteration(at now: SimTime) -> [EngineEvent] {
        guard let planned = plan else { return [] }
        plan = nil
        var events: [EngineEvent] = []
        for item in planned {
            guard var state = states[item.id], running.contains(item.id) else { continue }  // aborted or preempted
            state.computed += item.tokens
            registerFullBlocks(of: &state)
            if item.samples {
                let text = SimTokenizer.outputWord(seed: state.request.outputSeed, index: state.generated)
                events.append(.token(item.id, index: state.generated, text: text))
                state.generated += 1
            }
            let done =
                timeModel.model.kind == .encoder
                ? state.computed >= state.prefillTarget
                : state.generated >= max(1, state.request.outputTokens)
            if done {
                blocks.release(state.blocks)
                running.removeAll { $0 == item.id }
                states[item.id] = nil
                events.append(
                    .finished(
                        item.id,
                        RequestUsage(
                            promptTokens: state.request.promptTokens.count, cachedTokens: state.cachedTokens,
                            cacheWriteTokens: state.cacheWriteTokens, outputTokens: state.generated,
                            queueTime: (state.firstAdmission ?? now) - state.arrival, preemptions: state.preemptions)))
            } else {
                states[item.id] = state
            }
        }
        return events
    }

    /// Registers blocks that became full, so later requests can reuse them.
    private mutating func registerFullBlocks(of state: inout State) {
        guard state.request.usesPrefixCache else { return }
        let full = state.computed / BlockManager.blockSize
        let promptBlocks = state.request.promptTokens.count / BlockManager.blockSize
        while state.registeredBlocks < full {
            let block = state.registeredBlocks
            let hash: UInt64
            if block < state.promptHashes.count {
                hash = state.promptHashes[block]
            } else {
                var h = state.chainHash
                for position in block * BlockManager.blockSize..<(block + 1) * BlockManager.blockSize {
                    h = FNV1a.mix(h, state.token(at: position))
                }
                hash = h
            }
            let isNew = blocks.register(state.blocks[block], hash: hash)
            if isNew, block < promptBlocks, state.preemptions == 0 {
                state.cacheWriteTokens += BlockManager.blockSize
            }
            state.chainHash = hash
            state.registeredBlocks += 1
        }
    }

    /// Sends a running request back to the front of the queue, freeing its blocks; it will be
    /// recomputed (cached blocks may still be reused).
    private mutating func preempt(_ id: RequestID) {
        guard var state = states[id] else { return }
        running.removeAll { $0 == id }
        blocks.release(state.blocks)
        state.blocks = []
        state.computed = 0
        state.registeredBlocks = 0
        state.preemptions += 1
        states[id] = state
        waiting.prepend(id)
    }
}
