import Testing
import Timekeeping

@Suite("Virtual time")
struct VirtualTimeTests {
    /// An hour of virtual sleeps that ends at all shows the clock jumped (no wall-clock assert:
    /// timing belongs in bench/, not in tests).
    @Test("time jumps to each deadline in order when every task waits")
    func deadlinesInOrder() async throws {
        let (order, end) = await VirtualTime.run { clock in
            let wakes = Log()
            await withTaskGroup(of: Void.self) { group in
                for (name, seconds) in [("c", 30), ("a", 10), ("b", 20), ("d", 3600)] {
                    group.addTask {
                        try? await clock.sleep(for: .seconds(seconds))
                        await wakes.add("\(name)@\(clock.now() / 1_000_000_000)")
                    }
                }
            }
            return (await wakes.entries, clock.now())
        }
        #expect(order == ["a@10", "b@20", "c@30", "d@3600"])
        #expect(end == 3_600_000_000_000)
    }

    @Test("sleepers with the same deadline wake in the order they went to sleep")
    func tiesAreFIFO() async throws {
        let order = await VirtualTime.run { clock in
            let wakes = Log()
            await withDiscardingTaskGroup { group in
                for index in 0..<50 {
                    group.addTask {
                        try? await clock.sleep(until: 1_000)
                        await wakes.add("\(index)")
                    }
                }
            }
            return await wakes.entries
        }
        #expect(order == (0..<50).map { "\($0)" })
    }

    @Test("a cancelled sleep throws at once and does not move time")
    func cancellation() async throws {
        let (outcome, end) = await VirtualTime.run { clock in
            let outcome: String = await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do {
                        try await clock.sleep(for: .seconds(1000))
                        return "slept"
                    } catch {
                        return "cancelled at \(clock.now())"
                    }
                }
                group.addTask {
                    try? await clock.sleep(for: .milliseconds(5))
                    return "timer"
                }
                let first = await group.next()!
                group.cancelAll()
                let second = await group.next()!
                return first + ", " + second
            }
            return (outcome, clock.now())
        }
        #expect(outcome == "timer, cancelled at 5000000")
        #expect(end == 5_000_000, "the cancelled deadline at 1000 s was never reached")
    }

    @Test("a sleep into the past returns at once; sleeping in a cancelled task throws")
    func pastAndCancelled() async throws {
        try await VirtualTime.run { clock in
            try await clock.sleep(for: .seconds(2))
            try await clock.sleep(until: 1)
            #expect(clock.now() == 2_000_000_000)
            let task = Task { try await clock.sleep(for: .seconds(1)) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }

    @Test("the same program gives the same interleaving, run after run")
    func deterministic() async throws {
        func trace() async throws -> [String] {
            await VirtualTime.run { clock in
                let log = Log()
                await withDiscardingTaskGroup { group in
                    for worker in 0..<20 {
                        group.addTask {
                            var state = UInt64(worker + 1)
                            for step in 0..<20 {
                                state = state &* 6_364_136_223_846_793_005 &+ 1
                                try? await clock.sleep(for: .microseconds(Int64(state >> 54)))
                                await log.add("\(worker).\(step)@\(clock.now())")
                            }
                        }
                    }
                }
                return await log.entries
            }
        }
        let first = try await trace()
        #expect(first.count == 400)
        #expect(try await trace() == first)
    }
}

actor Log {
    private(set) var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}
