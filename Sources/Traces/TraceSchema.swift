/// The canonical AgentPerf trace schema.
///
/// A trace file is JSON Lines: one self-describing record per line. Every line carries
/// `"record"` (its kind) and `"schema_version"`. Field names follow the OpenTelemetry GenAI
/// semantic conventions where one exists (`gen_ai.usage.input_tokens`, `error.type`, …) and are
/// plain snake_case otherwise. docs/TRACES.md lists every field.
///
/// Record kinds, in the order a run writes them:
/// - `run`: one header per file: run id, wall-clock anchor, workload, seed, versions.
/// - `step`: one model call, tool call, embedding, or delegation, written with its attempt.
/// - `attempt`: one run of a task, written right after its steps, as soon as it ends.
/// - `window`: the measurement window of one concurrency level, written when the level ends.
public enum TraceSchema {
    /// The schema version this build writes and the newest it reads.
    public static let version = 1
}

/// The kind of a trace line (`"record"` field).
public enum RecordKind: String, Codable, Sendable {
    case run, step, attempt, window
}
