/// Over a workload's runs, oldest first: the first run in which a figure regressed beyond noise
/// against the oldest, and which figures did (SPEC §4: "the number that moves first"; docs/HISTORY.md).
public struct MovedFirst: Sendable, Hashable {
    /// The run compared against: the oldest of the series.
    public var baseline: HistoryEntry
    /// The first later run with a regression beyond noise; nil when none regressed.
    public var run: HistoryEntry?
    /// The figures that regressed in `run`, the largest relative change first.
    public var regressions: [MetricChange]
    /// Runs compared against the baseline.
    public var compared: Int

    /// Walks `entries` (any order; sorted here by recording time) from the oldest.
    /// Nil with fewer than two entries.
    public init?(_ entries: [HistoryEntry]) {
        let ordered = entries.sorted { ($0.recordedAt, $0.id ?? 0) < ($1.recordedAt, $1.id ?? 0) }
        guard let baseline = ordered.first, ordered.count >= 2 else { return nil }
        self.baseline = baseline
        self.compared = ordered.count - 1
        self.run = nil
        self.regressions = []
        for entry in ordered.dropFirst() {
            let regressed = RunComparison(baseline.summary, entry.summary).changes.filter(\.regressed)
            guard !regressed.isEmpty else { continue }
            run = entry
            regressions = regressed.sorted { abs($0.relative ?? 0) > abs($1.relative ?? 0) }
            break
        }
    }
}
