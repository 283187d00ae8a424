import SpecDecoding
import Testing

@testable import SimulatedFleet

/// Behaviour of the serving engine, driven in virtual time.
@Suite struct EngineTests {
    static func deployment(
        _ name: String = "m", model: String = "llama-3-8b", maxNumSeqs: Int = 256, kvTokens: Int? = nil,
        replicas: Int = 1, placement: Placement = .leastLoaded, cacheWrites: Bool = false
    ) -> DeploymentConfiguration {
        var d = DeploymentConfiguration(name: name, model: model, hardware: "h100-sxm")
        d.maxNumSeqs = maxNumSeqs
        d.kvCapacityTokens = kvTokens
        d.replicas = replicas
        d.placement = placement
        d.reportsCacheWrites = cacheWrites
        return d
    }

    static func fleet(_ deployments: DeploymentConfiguration...) throws -> VirtualTimeFleet {
        try VirtualTimeFleet(configuration: FleetConfiguration(deployments: deployments))
    }

    static func words(_ count: Int, salt: Int = 0) -> [UInt32] {
        (0..<count).map { UInt32(truncatingIfNeeded: ($0 &+ 1) &* 2_654_435_761 &+ salt &* 97) }
    }

    static func usage(_ events: [TimedEvent], _ id: RequestID) -> RequestUsage? {
        for e in events { if case .finished(id, let usage) = e.event { return usage } }
        return nil
    }

    @Test("a request yields admitted, one token event per output token, then finished")
    func eventSequence() throws {
        var sim = try Self.fleet(Self.deployment())
        let id = try sim.submit(model: "m", promptTokens: Self.words(100), outputTokens: 5)
        let events = sim.runUntilIdle().map(\.event)
        guard case .admitted(id, let queue, let cached) = events.first else {
            Issue.record("first event was \(String(describing: events.first))")
            return
        }
        #expect(queue == 0 && cached == 0)
        let tokens = events.compactMap { if case .token(_, let index, _) = $0 { index } else { nil } }
        #expect(tokens == [0, 1, 2, 3, 4])
        let usage = try #require(
            Self.usage(sim.runUntilIdle() + [], id)
                ?? events.compactMap {
                    if case .finished(_, let u) = $0 { u } else { nil }
                }.first)
        #expect(usage.promptTokens == 100 && usage.outputTokens == 5 && usage.cachedTokens == 0)
    }

    @Test("an identical prompt reuses every full block but the one holding the last token")
    func prefixCacheReuse() throws {
        var sim = try Self.fleet(Self.deployment())
        let prompt = Self.words(100)
        let first = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 3)
        let firstEvents = sim.runUntilIdle()
        let second = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 3)
        let secondEvents = sim.runUntilIdle()
        #expect(Self.usage(firstEvents, first)?.cachedTokens == 0)
        // 100 tokens = 6 full blocks (96) + 4; all 6 full blocks are reused.
        #expect(Self.usage(secondEvents, second)?.cachedTokens == 96)
    }

    @Test("the next turn of a conversation hits the cache through the previous reply")
    func multiTurnHitsThroughReply() throws {
        var sim = try Self.fleet(Self.deployment())
        let prompt = Self.words(64)
        _ = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 40)
        let seed = SimTokenizer.outputSeed(for: prompt)
        _ = sim.runUntilIdle()
        // Turn 2: the old prompt, the 40 generated tokens, then 30 new tokens.
        let reply = (0..<40).map { SimTokenizer.outputToken(seed: seed, index: $0) }
        let turn2 = prompt + reply + Self.words(30, salt: 7)
        let id = try sim.submit(model: "m", promptTokens: turn2, outputTokens: 1)
        let usage = try #require(Self.usage(sim.runUntilIdle(), id))
        // 64 prompt + 39 computed reply tokens (the last sampled one is never computed) = 103 → 6 blocks.
        #expect(usage.cachedTokens == 96)
    }

    @Test("cache writes count prompt blocks a request newly adds to the cache")
    func cacheWrites() throws {
        var sim = try Self.fleet(Self.deployment(cacheWrites: true))
        let prompt = Self.words(100)
        let first = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 1)
        let usage = try #require(Self.usage(sim.runUntilIdle(), first))
        #expect(usage.cacheWriteTokens == 96)
        let second = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 1)
        #expect(Self.usage(sim.runUntilIdle(), second)?.cacheWriteTokens == 0)
    }

    @Test("with one running slot the second request queues for the first one's whole duration")
    func queueingWithOneSlot() throws {
        var sim = try Self.fleet(Self.deployment(maxNumSeqs: 1))
        let a = try sim.submit(model: "m", promptTokens: Self.words(50), outputTokens: 20)
        let b = try sim.submit(model: "m", promptTokens: Self.words(50, salt: 1), outputTokens: 20)
        let events = sim.runUntilIdle()
        let aEnd = try #require(events.first { if case .finished(a, _) = $0.event { true } else { false } }?.time)
        let bQueue = try #require(Self.usage(events, b)?.queueTime)
        #expect(bQueue == aEnd)
        #expect(Self.usage(events, a)?.queueTime == 0)
    }

    @Test("long prefills in the batch stretch the inter-token latency of decoding requests")
    func prefillDecodeInterference() throws {
        func worstGap(withPrefills: Bool) throws -> SimTime {
            var sim = try Self.fleet(Self.deployment())
            let decoder = try sim.submit(model: "m", promptTokens: Self.words(32), outputTokens: 60)
            var times: [SimTime] = []
            var injected = false
            while sim.nextEventTime != nil {
                for e in sim.step() { if case .token(decoder, _, _) = e.event { times.append(e.time) } }
                if withPrefills, times.count == 5, !injected {
                    injected = true
                    for salt in 1...6 {
                        _ = try sim.submit(model: "m", promptTokens: Self.words(2000, salt: salt), outputTokens: 1)
                    }
                }
            }
            return zip(times.dropFirst(), times).map { $0 - $1 }.max()!
        }
        #expect(try worstGap(withPrefills: true) > worstGap(withPrefills: false) * 3)
    }

    /// Runs `clients` closed-loop clients for `requests` requests each; returns (tokens/s, mean
    /// TTFT s, mean ITL s, mean output).
    static func closedLoop(
        clients: Int, requests: Int, output: Int, kvTokens: Int? = nil, maxNumSeqs: Int = 256
    ) throws
        -> (throughput: Double, ttft: Double, itl: Double, preemptions: Int)
    {
        var sim = try fleet(deployment(maxNumSeqs: maxNumSeqs, kvTokens: kvTokens))
        var submitted: [RequestID: SimTime] = [:]
        var first: [RequestID: SimTime] = [:]
        var last: [RequestID: SimTime] = [:]
        var remaining = clients * requests
        var issued = 0
        var preemptions = 0
        var ttfts: [Double] = [], itls: [Double] = []
        func issue() throws {
            guard issued < clients * requests else { return }
            let id = try sim.submit(model: "m", promptTokens: words(256, salt: issued), outputTokens: output)
            submitted[id] = sim.now
            issued += 1
        }
        for _ in 0..<clients { try issue() }
        var outputTokens = 0
        while remaining > 0 {
            for e in sim.step() {
                switch e.event {
                case .token(let id, let index, _):
                    if index == 0 { first[id] = e.time }
                    last[id] = e.time
                    outputTokens += 1
                case .finished(let id, let usage):
                    remaining -= 1
                    preemptions += usage.preemptions
                    ttfts.append(Double(first[id]! - submitted[id]!) / 1e9)
                    itls.append(Double(last[id]! - first[id]!) / 1e9 / Double(output - 1))
                    try issue()
                default: break
                }
            }
        }
        let mean = { (xs: [Double]) in xs.reduce(0, +) / Double(xs.count) }
        return (Double(outputTokens) / (Double(sim.now) / 1e9), mean(ttfts), mean(itls), preemptions)
    }

    @Test("Little's law: output tokens/s ≈ concurrency × output ÷ (TTFT + (output − 1) × ITL)", arguments: [1, 8, 32])
    func littlesLaw(clients: Int) throws {
        let output = 64
        let r = try Self.closedLoop(clients: clients, requests: 6, output: output)
        let predicted = Double(clients * output) / (r.ttft + Double(output - 1) * r.itl)
        #expect(abs(r.throughput - predicted) / predicted < 0.10, "measured \(r.throughput) vs predicted \(predicted)")
    }

    @Test("throughput plateaus once KV capacity bounds the resident requests")
    func kvPlateau() throws {
        // 4,096 tokens of KV hold about 12 requests of 256 + 64 tokens.
        let eight = try Self.closedLoop(clients: 8, requests: 4, output: 64, kvTokens: 4096)
        let twenty = try Self.closedLoop(clients: 20, requests: 4, output: 64, kvTokens: 4096)
        let forty = try Self.closedLoop(clients: 40, requests: 4, output: 64, kvTokens: 4096)
        #expect(twenty.throughput > eight.throughput * 1.2)
        #expect(forty.throughput < twenty.throughput * 1.15)
        #expect(forty.ttft > twenty.ttft * 1.5)
    }

    @Test("when KV blocks run out mid-decode the newest request is preempted and still completes")
    func preemption() throws {
        // Admission sees enough room for prompts, but decoding outgrows the pool.
        let r = try Self.closedLoop(clients: 12, requests: 2, output: 400, kvTokens: 4096)
        #expect(r.preemptions > 0)
        #expect(r.throughput > 0)
    }

    @Test("a prompt longer than the model's context is rejected with the sizes in the reason")
    func rejection() throws {
        var sim = try Self.fleet(Self.deployment())
        #expect(throws: FleetError.self) {
            try sim.submit(model: "m", promptTokens: Self.words(9000), outputTokens: 10)
        }
        #expect(throws: FleetError.unknownModel("nope", served: ["m"])) {
            try sim.submit(model: "nope", promptTokens: Self.words(10), outputTokens: 1)
        }
    }

    @Test("the same submissions produce the same events, to the nanosecond")
    func determinism() throws {
        func run() throws -> [TimedEvent] {
            var sim = try Self.fleet(Self.deployment(replicas: 2, placement: .prefixAffinity))
            for i in 0..<10 { _ = try sim.submit(model: "m", promptTokens: Self.words(300, salt: i % 3), outputTokens: 20 + i) }
            return sim.runUntilIdle()
        }
        #expect(try run() == run())
    }

    @Test("prefix affinity sends a repeated prompt to the replica that cached it")
    func prefixAffinity() throws {
        var sim = try Self.fleet(Self.deployment(replicas: 3, placement: .prefixAffinity))
        let prompt = Self.words(200)
        _ = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 2)
        _ = sim.runUntilIdle()
        var cached: [Int] = []
        for _ in 0..<3 {
            let id = try sim.submit(model: "m", promptTokens: prompt, outputTokens: 2)
            cached.append(Self.usage(sim.runUntilIdle(), id)?.cachedTokens ?? -1)
        }
        #expect(cached == [192, 192, 192])
    }

    @Test("encoder models finish after prefill with no output tokens")
    func encoderIsPrefillOnly() throws {
        var sim = try Self.fleet(Self.deployment(model: "bge-large-en-v1.5"))
        let id = try sim.submit(model: "m", promptTokens: Self.words(64), outputTokens: 0)
        let events = sim.runUntilIdle()
        #expect(!events.contains { if case .token = $0.event { true } else { false } })
        #expect(Self.usage(events, id)?.outputTokens == 0)
    }

    @Test("zero-latency timing completes every iteration at time zero")
    func zeroLatency() throws {
        var sim = try VirtualTimeFleet(configuration: FleetConfiguration(timing: .zero, deployments: [Self.deployment()]))
        _ = try sim.submit(model: "m", promptTokens: Self.words(500), outputTokens: 50)
        let events = sim.runUntilIdle()
        #expect(events.allSatisfy { $0.time == 0 })
        #expect(events.count == 52)
    }
}

@Suite struct BlockManagerTests {
    @Test("blocks come out lowest first, released ones before untouched ones, evictable cached ones last")
    func allocationOrder() {
        var blocks = BlockManager(totalBlocks: 4, cachingEnabled: true)
        #expect(blocks.availableBlocks == 4)
        let first = (0..<3).compactMap { _ in blocks.allocate() }
        #expect(first == [0, 1, 2])
        blocks.register(1, hash: 77)
        blocks.release([0, 1])
        #expect(blocks.availableBlocks == 3)
        #expect(blocks.allocate() == 0, "a released block holding nothing reusable first")
        #expect(blocks.allocate() == 3, "then an untouched one")
        #expect(blocks.cachedPrefixLength([77]) == 1)
        #expect(blocks.allocate() == 1, "the cached block is evicted only when nothing else is left")
        #expect(blocks.cachedPrefixLength([77]) == 0)
        #expect(blocks.allocate() == nil)
    }

    @Test("room for 10⁹ tokens is not allocated up front, and more than 10¹⁰ is refused at its field")
    func hugeCapacity() throws {
        // 62.5 million blocks: the tables hold only the blocks handed out.
        var blocks = BlockManager(totalBlocks: 1_000_000_000 / BlockManager.blockSize, cachingEnabled: true)
        #expect(blocks.allocate() == 0 && blocks.availableBlocks == 62_499_999)
        let yaml = """
            deployments:
              - {name: m, model: llama-3.1-8b, hardware: h100-sxm, kv_capacity_tokens: 20000000000}
            """
        #expect {
            try SpecFile.decode(FleetConfiguration.self, yaml: yaml, source: "fleet.yaml")
        } throws: { error in
            "\(error)".contains("kv_capacity_tokens") && "\(error)".contains("at most 10000000000")
        }
    }
}
