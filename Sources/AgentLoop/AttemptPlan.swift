import Sampling
package import Traces
package import Workload

/// One attempt the scheduler wants run.
package struct AttemptPlan: Sendable, Hashable {
    package var runID: String
    package var attemptID: String
    /// Index into the workload's tasks.
    package var taskIndex: Int
    /// Issue order within the level, from 0; seeds the attempt's draws.
    package var sequence: Int
    /// The load level the attempt belongs to.
    package var level: LevelID?
    package var concurrency: Int?
    package var worker: Int?
    package var isWarmup: Bool
    /// Intended start on the run clock (ns); task latency counts from here.
    package var scheduled: Int64
    /// Open loop: when a worker actually started it, if later than intended (coordinated
    /// omission: the uncorrected latency counts from here).
    package var started: Int64?
    /// The variant the attempt runs under (variant runs only).
    package var variant: Variant?
    /// Which repeat of its task the attempt is (variant runs only).
    package var repeatIndex: Int?

    /// What the attempt's seeded streams are keyed by: the task and repeat in variant runs (so
    /// the same task and repeat draw the same under every variant), else the level and position.
    package var drawKey: String {
        if let repeatIndex { return "task\(taskIndex)/repeat\(repeatIndex)" }
        return "\(concurrency.map(String.init) ?? level?.rawValue ?? "0")/\(sequence)"
    }

    package init(
        runID: String, attemptID: String, level: LevelID? = nil, taskIndex: Int, sequence: Int, concurrency: Int? = nil,
        worker: Int? = nil,
        isWarmup: Bool = false, scheduled: Int64
    ) {
        self.runID = runID
        self.attemptID = attemptID
        self.taskIndex = taskIndex
        self.sequence = sequence
        self.level = level ?? concurrency.map(LevelID.concurrency)
        self.concurrency = concurrency
        self.worker = worker
        self.isWarmup = isWarmup
        self.scheduled = scheduled
    }
}

/// How an attempt run ended.
package enum AttemptResult: Sendable {
    /// The attempt ended (passed, failed, errored or timed out) and is ready to record.
    case finished(AttemptRecord, [StepRecord])
    /// The run was interrupted while the attempt ran; nothing of it is recorded.
    case interrupted
}

extension AttemptPlan {
    /// Words that open every system prompt of a variant run's attempt, the same for every attempt
    /// of the variant and different between variants: without them, the variant run second
    /// would find the first one's identical prompts in the server's prefix cache (same seeds,
    /// same text) and pay for reads where a lone run pays for writes. Four words under every
    /// variant, so prompt lengths barely differ. Nil outside variant runs.
    package func variantTag(seed: UInt64) -> String? {
        guard let variant else { return nil }
        var generator = SeededGenerator(seed: seed, stream: "variant-tag/\(variant.name)")
        return SyntheticText.words(4, using: &generator)
    }

    /// `systemPrompt` opened by the variant tag, if any.
    package func tagged(_ systemPrompt: String, seed: UInt64) -> String {
        variantTag(seed: seed).map { $0 + "\n" + systemPrompt } ?? systemPrompt
    }
}
