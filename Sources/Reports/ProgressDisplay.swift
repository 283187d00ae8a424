import AgentMetrics
package import Recorder
import Timekeeping
import Traces

/// Live progress of a run, as text. Feed it events and ask for the current status line; the
/// caller decides how often to draw it and where (a rewritten line on a terminal, a line every
/// few seconds otherwise).
package struct ProgressDisplay: Sendable {
    private var level: LevelID?
    private var levelIndex = 0
    private var levelCount = 0
    private var plannedSeconds: Double?
    private var plannedAttempts: Int?
    private var levelStartedAt: ContinuousClock.Instant?
    private var measured = 0
    private var warmup = 0
    private var passed = 0
    private var problems = 0
    private var steps = 0

    package init() {}

    /// Applies an event; returns a line worth printing on its own (level start and end).
    package mutating func apply(_ event: ProgressEvent, at now: ContinuousClock.Instant = .now) -> String? {
        switch event {
        case .levelStarted(let level):
            self = ProgressDisplay()
            self.level = level.level
            levelIndex = level.index
            levelCount = level.count
            plannedSeconds = level.measuredSeconds.map { $0 + (level.warmupSeconds ?? 0) }
            plannedAttempts = level.measuredAttempts
            levelStartedAt = now
            let warmup =
                level.warmupSeconds.map { "\(Format.seconds($0)) warm-up, then " }
                ?? level.warmupAttempts.map { "\($0) warm-up attempts, then " } ?? ""
            let measured =
                level.measuredSeconds.map { "\(Format.seconds($0)) measured" }
                ?? level.measuredAttempts.map { Self.count($0, "measured attempt") } ?? ""
            return "level \(level.index + 1)/\(level.count): \(Self.describe(level.level)), \(warmup)\(measured)"
        case .attemptRecorded(let attempt):
            steps += attempt.steps
            if attempt.isWarmup {
                warmup += 1
            } else if attempt.outcome != .cancelled {
                measured += 1
                if attempt.outcome == .passed { passed += 1 }
                if attempt.outcome == .error || attempt.outcome == .timeout { problems += 1 }
            }
            return nil
        case .levelFinished(let level, let interrupted):
            let elapsed = levelStartedAt.map { (now - $0).seconds } ?? 0
            return
                "level \(levelIndex + 1)/\(levelCount) done: \(Self.describe(level)), \(Self.count(measured, "measured attempt"))"
                + " (\(passed) passed, \(problems) errors or timeouts) in \(Format.seconds(elapsed))"
                + (interrupted ? " — interrupted" : "")
        }
    }

    /// The current status, one line.
    package func statusLine(at now: ContinuousClock.Instant = .now) -> String? {
        guard let level, let start = levelStartedAt else { return nil }
        let elapsed = (now - start).seconds
        var line = "\(level.label) [\(levelIndex + 1)/\(levelCount)] \(Format.seconds(elapsed))"
        if let plannedSeconds { line += " of \(Format.seconds(plannedSeconds)) + drain" }
        line += " · attempts \(measured)"
        if let plannedAttempts { line += "/\(plannedAttempts)" }
        if warmup > 0 { line += " + \(warmup) warm-up" }
        line += " · passed \(passed) · errors \(problems) · steps \(steps)"
        return line
    }

    /// `1 measured attempt`, `3 measured attempts`.
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// `concurrency 16`, `rate 2.5/s`.
    static func describe(_ level: LevelID) -> String {
        if let concurrency = level.concurrency { return "concurrency \(concurrency)" }
        if level.ratePerSecond != nil { return "rate \(level.label)" }
        return "level \(level)"
    }
}
