public import Traces

/// Where importers put canonical records, as they go.
///
/// The order matches a trace file: one `begin` per source, then for each attempt its steps
/// followed by the attempt record. Sinks see every record once and may keep or fold it; an
/// importer never holds a whole file unless its format forces it to (see docs/IMPORTERS.md).
public protocol TraceSink {
    mutating func begin(_ run: RunRecord) throws
    mutating func step(_ step: StepRecord) throws
    mutating func attempt(_ attempt: AttemptRecord) throws
    /// A problem in the input; importing goes on.
    mutating func diagnostic(_ diagnostic: TraceDiagnostic)
}

/// Keeps everything in a `TraceLog` (tests, small inputs).
public struct CollectingSink: TraceSink {
    public private(set) var log = TraceLog()
    private var pending: [String: [StepRecord]] = [:]

    public init() {}

    public mutating func begin(_ run: RunRecord) {
        if log.run == nil { log.run = run }
    }

    public mutating func step(_ step: StepRecord) {
        pending[step.attemptID, default: []].append(step)
    }

    public mutating func attempt(_ attempt: AttemptRecord) {
        log.attempts.append(LoggedAttempt(record: attempt, steps: pending.removeValue(forKey: attempt.attemptID) ?? []))
    }

    public mutating func diagnostic(_ diagnostic: TraceDiagnostic) { log.diagnostics.append(diagnostic) }
}
