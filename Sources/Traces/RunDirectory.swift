/// The files of a run directory: what `agentperf run` writes and `report` and `analyze` read.
public enum RunDirectory {
    /// The trace (schema v1), appended as attempts end.
    public static let traces = "traces.jsonl"
    /// The resolved workload and target, runnable as is.
    public static let config = "config.json"
    /// The price table the run's costs were computed with.
    public static let prices = "prices.json"
    /// The headline figures per level, as `--json` prints them.
    public static let summary = "summary.json"
}
