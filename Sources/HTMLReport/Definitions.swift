/// Short definitions of the figures the pages show, condensed from docs/METRICS.md (and
/// docs/DIAGNOSE.md, docs/ROUTING.md): a tooltip on every metric name and the page's
/// Definitions section, since a link into the repository would not resolve from a file opened
/// elsewhere.
extension Definition {
    static let attempts = Definition(
        id: "attempts", name: "attempts (passed / measured)",
        text:
            "Measured attempts (issued inside the level's window, warm-up and cancelled ones left out) whose grader passed, and all of them.",
        doc: "Headline metrics")
    static let passRate = Definition(
        id: "pass-rate", name: "pass rate [95% CI]",
        text: "Passed ÷ graded attempts, with the Wilson score interval at z = 1.96.", doc: "Headline metrics")
    static let failures = Definition(
        id: "failures", name: "failed / errors / timeouts",
        text: "Measured attempts the grader rejected / that stopped on a step error / that ran past attempt_timeout.",
        doc: "Headline metrics")
    static let byTask = Definition(
        id: "by-task", name: "by task (passed / measured)", text: "The same counts per task.", doc: "Headline metrics")
    static let taskLatency = Definition(
        id: "task-latency", name: "task latency",
        text:
            "End to end: the attempt's scheduled start → end of its final answer, tools, queueing and retries included, over all measured attempts. Open-loop levels count from the intended start (coordinated-omission corrected). Percentiles are nearest-rank from HDR histograms; samples is the count.",
        doc: "Headline metrics")
    static let errorAdjusted = Definition(
        id: "error-adjusted", name: "p50 / p95 with failures as ∞",
        text:
            "Task latency with every graded attempt that did not pass counted as +∞: a percentile that falls among failures is infinite, never dropped. Its CDF tops out at the pass rate.",
        doc: "Headline metrics")
    static let uncorrected = Definition(
        id: "uncorrected", name: "uncorrected p50 / p99",
        text:
            "Open loop: the same percentiles from when a worker actually started each attempt — what a load generator blind to coordinated omission reports.",
        doc: "Headline metrics")
    static let lateStarts = Definition(
        id: "late-starts", name: "late starts",
        text:
            "Open loop: measured arrivals that started more than 1 ms after their intended start because every worker was busy.",
        doc: "Headline metrics")
    static let qualityConditioned = Definition(
        id: "quality-conditioned-latency", name: "quality-conditioned latency",
        text: "Task latency over passed attempts only, read under the pass rate it is conditioned on.", doc: "Headline metrics")
    static let simulated = Definition(
        id: "quality-simulated", name: "quality simulated",
        text:
            "A scripted task passes or fails by a seeded draw from its pass_probability, not by a grader reading an answer: pass rates and everything conditioned on passing follow from the simulation.",
        doc: "Headline metrics")
    static let steps = Definition(
        id: "steps-per-second", name: "steps/s",
        text:
            "Steps (any attempt of the level, warm-up included: they are load) that ended inside the window ÷ the window in seconds; model and tool calls apart below it.",
        doc: "Headline metrics")
    static let achievedConcurrency = Definition(
        id: "achieved-concurrency", name: "achieved concurrency",
        text:
            "Σ over attempts of the part of their latency inside the window ÷ the window: the time-average number of attempts in flight.",
        doc: "Headline metrics")
    static let costPerCompleted = Definition(
        id: "cost-per-completed-task", name: "cost per completed task",
        text:
            "Σ cost of all measured attempts (failed ones too) ÷ passed attempts: failures are charged to the successes. n/a (unpriced) when some model had no price.",
        doc: "Headline metrics")
    static let costPerAttempt = Definition(
        id: "cost-per-attempt", name: "cost per attempt", text: "The same total ÷ measured attempts.", doc: "Headline metrics")
    static let costBuckets = Definition(
        id: "cost-buckets", name: "cost by bucket",
        text: "Uncached input, cache read, cache write, output, reasoning and tool costs, kept apart (US dollars).", doc: "Cost")
    static let cacheReadShare = Definition(
        id: "cache-read-share", name: "cache-read share of tokens",
        text: "cache_read ÷ (uncached + cache_write + cache_read + output).", doc: "Headline metrics")
    static let ttft = Definition(
        id: "ttft", name: "TTFT", text: "Request sent → first generated delta, over streamed chat steps that succeeded.",
        doc: "Model calls")
    static let itl = Definition(
        id: "itl", name: "ITL",
        text: "(Last delta − first delta) ÷ (output tokens − 1), per step with two or more output tokens.",
        doc: "Model calls")
    static let queue = Definition(
        id: "queue", name: "queue",
        text:
            "Model calls: scheduled → sent on the client plus the admission wait the server reports. Tool calls: scheduled → sent.",
        doc: "Model calls")
    static let breakdown = Definition(
        id: "where-task-time-goes", name: "where task time goes",
        text:
            "Each attempt's latency split along its critical path into queue, prefill, decode, tool and orchestration (a delegation contributes its slowest sub-agent); share of Σ latency and mean seconds per attempt.",
        doc: "Where task time goes")
    static let bottleneck = Definition(
        id: "bottleneck", name: "bottleneck",
        text:
            "The component whose share of task latency grows most from the lowest to the highest load level; named only when it grows by 5 points or more with 3 measured attempts or more at both ends.",
        doc: "Where task time goes")

    // The metric family of `agentperf analyze`.
    static let familyAttempts = Definition(
        id: "family-attempts", name: "attempts (graded / passed)",
        text: "Attempts in the group; of them, those with an outcome other than ungraded; of those, the passed ones (artifacts).",
        doc: "Metric family")
    static let costPerArtifact = Definition(
        id: "cost-per-artifact", name: "cost per artifact",
        text: "Σ cost of all attempts ÷ passed attempts (the same quantity as run's cost per completed task).",
        doc: "Metric family")
    static let contextEfficiency = Definition(
        id: "context-efficiency", name: "passed per 1M input tokens",
        text: "Passed attempts ÷ (Σ input tokens, all three input buckets, ÷ 10⁶).", doc: "Metric family")
    static let contextGrowth = Definition(
        id: "context-growth", name: "input growth per model call",
        text: "Mean over attempts of the least-squares slope of total input tokens on model-call order.", doc: "Metric family")
    static let verification = Definition(
        id: "verification", name: "verification",
        text: "Tokens and seconds of verify steps per passed attempt, and the share of attempts with a verify step.",
        doc: "Metric family")
    static let passAtK = Definition(
        id: "pass-at-k", name: "pass@k / pass^k",
        text:
            "Per task with n ≥ k graded attempts of which c passed: 1 − C(n−c,k)/C(n,k) and C(c,k)/C(n,k); mean over tasks. pass@1 is the mean per-task pass rate.",
        doc: "Metric family")
    static let budget = Definition(
        id: "budget-curve", name: "success within a token budget",
        text: "Share of graded attempts that passed using at most that many tokens (all buckets).", doc: "Metric family")
    static let r2 = Definition(
        id: "r2-log-tokens", name: "R² of success on log(tokens)",
        text: "Squared correlation of outcome (1 passed, 0 not) with ln(total tokens), over graded attempts with usage.",
        doc: "Metric family")
    static let capability = Definition(
        id: "capability-vector", name: "capability vector",
        text:
            "Per grader axis, the mean score over the attempts that have it; groups ordered one way on one axis and the other way on another are a rank flip.",
        doc: "Metric family")
    static let multiAgent = Definition(
        id: "multi-agent", name: "multi-agent",
        text:
            "Token multiplier (multi- ÷ single-agent mean tokens on the same tasks), coordination overhead (the lead agent's share of tokens) and accuracy gain per 1k extra tokens.",
        doc: "Metric family")
    static let signals = Definition(
        id: "learning-signal", name: "learning signal",
        text:
            "Next-state signals per attempt (tool results, step errors, later user turns, the grade), distinct ones in parentheses; per 1k tokens; tree-rollout leaves per 1k unique tokens.",
        doc: "Metric family")

    // Findings and routing (their own docs).
    static let moneyWasted = Definition(
        id: "money-wasted", name: "money wasted",
        text:
            "US dollars of the named steps that bought nothing the rule can see (less a cheaper counterfactual's cost when the waste is a difference). docs/DIAGNOSE.md has every rule.",
        doc: "docs/DIAGNOSE.md")
    static let surplus = Definition(
        id: "surplus", name: "S (surplus)",
        text: "S = V·ΔQ − ΔC − λ·ΔL − ρ·ΔR per attempt, from paired attempts of two configurations: negative, spend to cut.",
        doc: "docs/DIAGNOSE.md")
    static let regret = Definition(
        id: "regret", name: "regret/item",
        text: "Per item, the router's objective minus the hindsight-best choice's, averaged (docs/ROUTING.md).",
        doc: "docs/ROUTING.md")
    static let frontier = Definition(
        id: "frontier", name: "frontier and AIQ",
        text:
            "The non-decreasing convex hull of the configurations' (cost per item, quality) points, and the area under it over its cost range ÷ that range (RouterBench).",
        doc: "docs/ROUTING.md")
    static let apgr = Definition(
        id: "apgr", name: "APGR / CPT",
        text:
            "Strong/weak routing (RouteLLM): the area under the performance-gap-recovered curve over the strong model's share of calls, and the share needed to recover 50% / 80% of the gap.",
        doc: "docs/ROUTING.md")
}
