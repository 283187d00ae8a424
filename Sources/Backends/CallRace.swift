import Synchronization
package import Timekeeping

/// A one-way flag, set when something first happens during a call: the first generated output
/// (or, unstreamed, the body) arrives, or the response head does.
package final class Milestone: Sendable {
    private let flag = Atomic<Bool>(false)
    package init() {}
    package func arrived() { flag.store(true, ordering: .relaxed) }
    package var hasArrived: Bool { flag.load(ordering: .relaxed) }
}

/// A model call's own deadline passed: no output by the first-token deadline, or not done by
/// the total one.
package enum CallTimeout: Error {
    case firstToken, total
}

/// Runs one model call against its deadlines on the run clock (every backend, HTTP or
/// in-process, times out the same way).
package enum CallRace {
    /// Runs `exchange`, failing with `CallTimeout.firstToken` if no output has arrived by
    /// `firstOutputBy`, and with `.total` if it has not finished by `totalBy`.
    package static func run(
        firstOutputBy: Int64?, firstOutput: Milestone, totalBy: Int64?, clock: any RunClock,
        _ exchange: @Sendable @escaping () async throws -> ModelCallResult
    ) async throws -> ModelCallResult {
        if firstOutputBy == nil, totalBy == nil { return try await exchange() }
        return try await withThrowingTaskGroup(of: ModelCallResult?.self) { group in
            group.addTask { try await exchange() }
            if let firstOutputBy {
                group.addTask {
                    try await clock.sleep(until: firstOutputBy)
                    if !firstOutput.hasArrived { throw CallTimeout.firstToken }
                    return nil
                }
            }
            if let totalBy {
                group.addTask {
                    try await clock.sleep(until: totalBy)
                    throw CallTimeout.total
                }
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let result = next { return result }
            }
            throw CancellationError()
        }
    }
}
