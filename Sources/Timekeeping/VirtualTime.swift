import Foundation
import HeapModule

/// Runs async code in virtual time: a discrete-event executor under structured concurrency.
///
/// `run` executes its body, and every child task, actor call and continuation it leads to, on
/// one dedicated thread, one job at a time in the order they became runnable. When no job is
/// runnable (every task is waiting), the clock jumps to the earliest pending
/// `VirtualClock.sleep(until:)` deadline and wakes that sleeper (ties wake in the order they
/// went to sleep). Nothing sleeps in wall-clock terms, so an hour of simulated agents takes as
/// long as their computation; and since the job order depends only on the program, the same
/// inputs give the same interleaving, the same timestamps and the same output, byte for byte.
///
/// What does not run on the executor has no virtual duration: a real subprocess or socket is
/// outside its view, and the clock may jump past deadlines while one is pending. Virtual runs
/// therefore use only in-process backends and simulated tools.
///
/// Hand-written because no listed package has a discrete-event executor: swift-clocks' test
/// clock must be advanced by hand, and the standard library's executors run in real time.
public enum VirtualTime {
    /// Runs `body` with a virtual clock that starts at 0 and returns what it returns.
    ///
    /// Call it from a nonisolated context: an actor-isolated caller would keep the body on its
    /// actor, outside virtual time.
    public static func run<Result: Sendable, Failure: Error>(
        _ body: (VirtualClock) async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let executor = VirtualTimeExecutor()
        let thread = Thread { executor.runLoop() }
        thread.name = "agentperf-virtual-time"
        thread.start()
        defer { executor.shutDown() }
        return try await withTaskExecutorPreference(executor) { () async throws(Failure) -> Result in
            try await body(VirtualClock(executor: executor))
        }
    }
}

/// The clock of a `VirtualTime.run` body: nanoseconds of simulated time since the run began.
public struct VirtualClock: RunClock {
    fileprivate let executor: VirtualTimeExecutor

    /// Simulated nanoseconds since `VirtualTime.run` began; it jumps forward only when every task is waiting.
    public func now() -> Int64 { executor.now }

    /// Waits until simulated time reaches `deadline`; returns at once if it has, throws `CancellationError` if cancelled.
    public func sleep(until deadline: Int64) async throws {
        try Task.checkCancellation()
        guard deadline > executor.now else { return }
        let id = executor.newTimerID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                executor.schedule(id, at: deadline, continuation)
            }
        } onCancel: {
            executor.cancel(id)
        }
    }

    /// Jobs run so far: a measure of work for benchmarks, independent of wall-clock speed.
    public var jobsRun: Int { executor.jobsRun }
}

/// The executor behind `VirtualTime`: a FIFO of runnable jobs and a heap of timers, both under
/// one lock; `runLoop` runs on its own thread until `shutDown`.
final class VirtualTimeExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var runnable: [UnownedJob] = []
    private var head = 0
    private var timers = Heap<Timer>()
    private var sleepers: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    /// Timers handed out whose sleeper has not registered yet.
    private var unscheduled: Set<UInt64> = []
    /// Of those, the ones cancelled before their sleeper registered.
    private var cancelledEarly: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var time: Int64 = 0
    private var jobs = 0
    private var stopping = false

    private struct Timer: Comparable {
        var deadline: Int64
        var id: UInt64
        static func < (a: Timer, b: Timer) -> Bool { (a.deadline, a.id) < (b.deadline, b.id) }
    }

    var now: Int64 { locked { time } }
    var jobsRun: Int { locked { jobs } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        locked {
            runnable.append(job)
            condition.signal()
        }
    }

    func newTimerID() -> UInt64 {
        locked {
            nextID += 1
            unscheduled.insert(nextID)
            return nextID
        }
    }

    func schedule(_ id: UInt64, at deadline: Int64, _ continuation: CheckedContinuation<Void, any Error>) {
        let cancelled: Bool = locked {
            unscheduled.remove(id)
            // After shutdown nothing would wake it: a sleeper outside the body's tasks.
            if cancelledEarly.remove(id) != nil || stopping { return true }
            sleepers[id] = continuation
            timers.insert(Timer(deadline: deadline, id: id))
            condition.signal()
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
    }

    func cancel(_ id: UInt64) {
        // The timer stays in the heap; the loop skips ids without a sleeper.
        let sleeper: CheckedContinuation<Void, any Error>? = locked {
            if let sleeper = sleepers.removeValue(forKey: id) { return sleeper }
            // Not yet registered: refuse it when it comes. Already woken: nothing to do.
            if unscheduled.contains(id) { cancelledEarly.insert(id) }
            return nil
        }
        sleeper?.resume(throwing: CancellationError())
    }

    func shutDown() {
        let abandoned: [CheckedContinuation<Void, any Error>] = locked {
            stopping = true
            condition.signal()
            defer { sleepers.removeAll() }
            return Array(sleepers.values)
        }
        // Only unstructured tasks can still be asleep once the body has returned.
        for sleeper in abandoned { sleeper.resume(throwing: CancellationError()) }
    }

    func runLoop() {
        while let next = nextWork() {
            switch next {
            case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
            case .wake(let sleeper): sleeper.resume()
            }
        }
    }

    private enum Work {
        case job(UnownedJob)
        case wake(CheckedContinuation<Void, any Error>)
    }

    /// The next job to run; when there is none, the earliest timer (advancing time to it); when
    /// there is neither, waits for work from outside. `nil` once shut down.
    private func nextWork() -> Work? {
        locked {
            while true {
                if stopping { return nil }
                if head < runnable.count {
                    let job = runnable[head]
                    head += 1
                    if head == runnable.count {
                        runnable.removeAll(keepingCapacity: true)
                        head = 0
                    } else if head > 4096, head * 2 > runnable.count {
                        runnable.removeFirst(head)
                        head = 0
                    }
                    jobs += 1
                    return .job(job)
                }
                while let timer = timers.popMin() {
                    guard let sleeper = sleepers.removeValue(forKey: timer.id) else { continue }
                    time = max(time, timer.deadline)
                    return .wake(sleeper)
                }
                condition.wait()
            }
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }
}
