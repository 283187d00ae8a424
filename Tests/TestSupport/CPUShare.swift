public import Testing

/// Keeps a test that loads both cores (64 agent processes) from running beside tests that time
/// things (timeouts, latency percentiles): the runner runs suites in parallel, and a deadline of
/// 1.5 s means nothing while another test holds the CPU.
///
/// `.timed` and `.busy` tests share; an `.exclusive` test waits until none of them runs and keeps
/// new ones waiting while it runs. A suite trait applies to each of its tests.
public struct CPUShare: SuiteTrait, TestTrait, TestScoping {
    let exclusive: Bool

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        await CPUGate.shared.enter(exclusive: exclusive)
        do {
            try await function()
        } catch {
            await CPUGate.shared.leave(exclusive: exclusive)
            throw error
        }
        await CPUGate.shared.leave(exclusive: exclusive)
    }
}

extension Trait where Self == CPUShare {
    /// The test times something: it never runs beside an `.exclusive` one.
    public static var timed: CPUShare { CPUShare(exclusive: false) }
    /// The test keeps the cores busy (whole runs, subprocesses): it never runs beside an
    /// `.exclusive` one, which would otherwise measure it. Shares with timed and busy tests.
    public static var busy: CPUShare { CPUShare(exclusive: false) }
    /// The test loads the CPU, or compares real time with a model of it: it runs alone among the
    /// timed and busy tests.
    public static var exclusive: CPUShare { CPUShare(exclusive: true) }
}

/// The shared state of `CPUShare`: timed tests in, an exclusive one in or waiting.
actor CPUGate {
    static let shared = CPUGate()
    private var timed = 0
    private var exclusiveIn = false
    private var exclusiveWaiting = 0

    func enter(exclusive: Bool) async {
        if exclusive {
            exclusiveWaiting += 1
            while exclusiveIn || timed > 0 { try? await Task.sleep(for: .milliseconds(20)) }
            exclusiveWaiting -= 1
            exclusiveIn = true
        } else {
            while exclusiveIn || exclusiveWaiting > 0 { try? await Task.sleep(for: .milliseconds(20)) }
            timed += 1
        }
    }

    func leave(exclusive: Bool) {
        if exclusive { exclusiveIn = false } else { timed -= 1 }
    }
}
