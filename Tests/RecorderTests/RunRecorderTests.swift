import Foundation
import Recorder
import TestSupport
import Testing
import Traces

@Suite struct RunRecorderTests {
    static let run = RunRecord(runID: "r", startedAt: Date(timeIntervalSince1970: 0), agentperfVersion: "t", workload: "w")

    static func attempt(_ id: String, level: Int, steps: Int) -> (AttemptRecord, [StepRecord]) {
        let steps = (0..<steps).map {
            StepRecord(runID: "r", attemptID: id, stepID: "s\($0)", index: $0, operation: .chat, useClass: .act)
        }
        return (
            AttemptRecord(
                runID: "r", attemptID: id, task: "t", concurrency: level, outcome: .passed, scheduled: 0, end: 2_000_000_000,
                stepCount: steps.count), steps
        )
    }

    @Test("each attempt is in the file the moment it is recorded, and the display hears of it")
    func recordsAndAnnounces() async throws {
        let directory = try TemporaryDirectory("agentperf-recorder")
        let url = directory.url.appendingPathComponent("traces.jsonl")
        let (events, continuation) = AsyncStream.makeStream(of: ProgressEvent.self)
        let recorder = RunRecorder(writer: try TraceWriter(creating: url, run: Self.run), progress: continuation)
        let (first, steps) = Self.attempt("c4-0", level: 4, steps: 3)
        try await recorder.record(first, steps: steps)
        // Already on disk, before anything else happens.
        #expect(try TraceLog.load(from: url).attempts.map(\.record.attemptID) == ["c4-0"])
        try await recorder.record(WindowRecord(runID: "r", concurrency: 4, levelStart: 0, start: 0, end: 10))
        continuation.finish()
        var received: [ProgressEvent] = []
        for await event in events { received.append(event) }
        #expect(
            received == [
                .attemptRecorded(AttemptSummary(level: .concurrency(4), isWarmup: false, outcome: .passed, steps: 3, latency: 2)),
                .levelFinished(level: .concurrency(4), interrupted: false),
            ])
        #expect(await recorder.attemptsRecorded == 1)
        let log = try TraceLog.load(from: url)
        #expect(log.windows.map(\.level) == [.concurrency(4)] && log.attempts.first?.steps.count == 3)
    }

    @Test("steps logged by concurrent sub-agents are all kept")
    func stepLog() async {
        let log = StepLog()
        await withDiscardingTaskGroup { group in
            for index in 0..<100 {
                group.addTask {
                    await log.append(
                        StepRecord(
                            runID: "r", attemptID: "a", stepID: "s\(index)", index: index, operation: .chat, useClass: .act))
                }
            }
        }
        #expect(Set(await log.recorded.map(\.stepID)).count == 100)
    }
}
