package import Traces

/// Something the run reports while it goes, for live displays.
package enum ProgressEvent: Sendable, Hashable {
    /// A load level began (`index` of `count`, from 0): its warm-up, then a measured
    /// duration or number of attempts.
    case levelStarted(LevelAnnouncement)
    /// An attempt finished and was written to the trace.
    case attemptRecorded(AttemptSummary)
    /// A level finished; its window was written.
    case levelFinished(level: LevelID, interrupted: Bool)
}

/// What a level is about to do.
package struct LevelAnnouncement: Sendable, Hashable {
    package var level: LevelID
    /// The variant the level runs (variant runs).
    package var variant: String?
    package var index: Int
    package var count: Int
    package var warmupSeconds: Double?
    package var warmupAttempts: Int?
    package var measuredSeconds: Double?
    package var measuredAttempts: Int?

    package init(
        level: LevelID, variant: String? = nil, index: Int, count: Int, warmupSeconds: Double?, warmupAttempts: Int?,
        measuredSeconds: Double?, measuredAttempts: Int?
    ) {
        self.level = level
        self.variant = variant
        self.index = index
        self.count = count
        self.warmupSeconds = warmupSeconds
        self.warmupAttempts = warmupAttempts
        self.measuredSeconds = measuredSeconds
        self.measuredAttempts = measuredAttempts
    }
}

/// The parts of a finished attempt a progress display needs.
package struct AttemptSummary: Sendable, Hashable {
    package var level: LevelID?
    package var isWarmup: Bool
    package var outcome: Outcome
    package var steps: Int
    /// Task latency in seconds.
    package var latency: Double

    package init(level: LevelID?, isWarmup: Bool, outcome: Outcome, steps: Int, latency: Double) {
        self.level = level
        self.isWarmup = isWarmup
        self.outcome = outcome
        self.steps = steps
        self.latency = latency
    }
}

/// Writes each finished attempt to the trace file the moment it ends, and tells the progress
/// display. The one place a run's results go, so nothing finished is lost on a crash.
package actor RunRecorder {
    private let writer: TraceWriter
    private let progress: AsyncStream<ProgressEvent>.Continuation?
    package private(set) var attemptsRecorded = 0

    package init(writer: TraceWriter, progress: AsyncStream<ProgressEvent>.Continuation?) {
        self.writer = writer
        self.progress = progress
    }

    /// Appends a finished attempt and its steps.
    package func record(_ attempt: AttemptRecord, steps: [StepRecord]) async throws(TraceError) {
        try await writer.append(attempt: attempt, steps: steps)
        attemptsRecorded += 1
        progress?.yield(
            .attemptRecorded(
                AttemptSummary(
                    level: attempt.level, isWarmup: attempt.isWarmup, outcome: attempt.outcome,
                    steps: steps.count, latency: Double(attempt.latency ?? 0) / 1e9)))
    }

    /// Appends a level's measurement window.
    package func record(_ window: WindowRecord) async throws(TraceError) {
        try await writer.append(window: window)
        progress?.yield(.levelFinished(level: window.level, interrupted: window.interrupted))
    }

    /// Passes an event to the display.
    package func announce(_ event: ProgressEvent) { progress?.yield(event) }
}
