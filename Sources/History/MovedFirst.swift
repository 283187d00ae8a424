import AgentMetrics

/// Over a workload's runs, oldest first: the first run in which a figure regressed beyond noise
/// against the oldest *and stayed regressed in the run after it*, and which figures did (SPEC §4:
/// "the number that moves first"; docs/HISTORY.md).
///
/// With many figures, levels and runs, one comparison in forty crosses its 95% interval by
/// chance; asking the next run to confirm the same figure at the same level keeps noise from
/// being named. A regression in the latest run alone is reported as unconfirmed.
public struct MovedFirst: Sendable, Hashable {
    /// The run compared against: the oldest of the series.
    public var baseline: HistoryEntry
    /// The first later run with a regression beyond noise; nil when none regressed.
    public var run: HistoryEntry?
    /// The figures that regressed in `run` (and, when confirmed, in the run after it), the largest
    /// relative change first.
    public var regressions: [MetricChange]
    /// True when the run after `run` regressed on the same figures; false when `run` is the latest.
    public var confirmed: Bool
    /// Runs compared against the baseline.
    public var compared: Int
    /// Entries left out: of another version of the workload (its hash) or another clock than the latest.
    public var leftOut: Int

    /// Walks `entries` (any order; sorted here by recording time) from the oldest, keeping those
    /// of the latest entry's workload version and clock. Nil with fewer than two of them.
    public init?(_ entries: [HistoryEntry]) {
        let ordered = entries.sorted { ($0.recordedAt, $0.id ?? 0) < ($1.recordedAt, $1.id ?? 0) }
        guard let latest = ordered.last else { return nil }
        let series = ordered.filter { $0.workloadHash == latest.workloadHash && $0.summary.clock == latest.summary.clock }
        guard let baseline = series.first, series.count >= 2 else { return nil }
        self.baseline = baseline
        self.compared = series.count - 1
        self.leftOut = ordered.count - series.count
        self.run = nil
        self.regressions = []
        self.confirmed = false
        let regressed = series.dropFirst().map { RunComparison(baseline.summary, $0.summary).changes.filter(\.regressed) }
        for (index, changes) in regressed.enumerated() where !changes.isEmpty {
            let isLatest = index == regressed.count - 1
            let next = isLatest ? [] : Set(regressed[index + 1].map { Key($0) })
            let kept = isLatest ? changes : changes.filter { next.contains(Key($0)) }
            guard !kept.isEmpty else { continue }
            run = series[index + 1]
            regressions = kept.sorted { abs($0.relative ?? 0) > abs($1.relative ?? 0) }
            confirmed = !isLatest
            break
        }
    }

    private struct Key: Hashable {
        let metric: ComparedMetric
        let level: String
        init(_ change: MetricChange) {
            metric = change.metric
            level = change.level
        }
    }
}
