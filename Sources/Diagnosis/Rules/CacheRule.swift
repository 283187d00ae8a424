import AgentMetrics
import Foundation
import Pricing
import Traces

/// Cache misuse, the TTL rule: a model call's cache write is read when a later call of the same
/// lineage (attempt and agent: a Claude Code session and its sub-agents, an AgentPerf attempt)
/// starts within the write's lifetime (5 minutes; 1 hour for 1-hour writes) and reads more of
/// the cache than the writing call did, that is, into what it wrote. Writes never read are the
/// finding when at least `minimumUnread` of them were never read and writing cost something
/// (a lineage's last call is not judged: nothing could read its writes); the money
/// wasted is what writing cost over sending the same tokens uncached (the cache-write premium of
/// LiteLLM's price fields). `PrefixRules` adds the checks that need prompt fingerprints.
struct CacheRule: DiagnosisRule {
    static let fiveMinutes: Int64 = 300_000_000_000
    static let oneHour: Int64 = 3_600_000_000_000
    /// Fewer unread writes than this and no finding is raised (one cold call is not a pattern).
    static let minimumUnread = 3

    /// What the rule measured, reported whether or not it found anything.
    struct Tally {
        var writes = 0
        var readWithinTTL = 0
        var unread: [StepRecord] = []
        var untimed = 0
        /// Writes by a lineage's last call: nothing could read them, and no caller knows a call is the last.
        var final = 0
    }

    /// Lineages are (attempt, agent, model): a model reads only its own cache. Only successful
    /// calls count (a failed try writes nothing and reads nothing), and a lineage's last one is
    /// not judged.
    static func tally(_ input: DiagnosisInput) -> Tally {
        var tally = Tally()
        for attempt in input.attempts {
            let calls = attempt.logged.steps.filter { $0.operation == .chat && $0.errorType == nil && $0.usage != nil }
            let lineages = Dictionary(grouping: calls, by: { "\($0.agentID)\u{0}\($0.model ?? "")" })
            for key in lineages.keys.sorted() {
                let ordered = (lineages[key] ?? []).sorted {
                    ($0.timing.sent ?? $0.timing.scheduled ?? 0, $0.stepID) < (
                        $1.timing.sent ?? $1.timing.scheduled ?? 0, $1.stepID
                    )
                }
                for (index, step) in ordered.enumerated() {
                    guard let usage = step.usage, usage.cacheWrite > 0 else { continue }
                    guard index < ordered.count - 1 else {
                        tally.final += 1
                        continue
                    }
                    tally.writes += 1
                    guard let written = step.timing.end ?? step.timing.sent else {
                        tally.untimed += 1
                        continue
                    }
                    let ttl = usage.cacheWrite1h == usage.cacheWrite ? oneHour : fiveMinutes
                    var read = false
                    for later in ordered[(index + 1)...] {
                        guard let start = later.timing.sent ?? later.timing.scheduled else { continue }
                        if start > written + ttl { break }
                        if (later.usage?.cacheRead ?? 0) > usage.cacheRead {
                            read = true
                            break
                        }
                    }
                    if read { tally.readWithinTTL += 1 } else { tally.unread.append(step) }
                }
            }
        }
        return tally
    }

    func assess(_ input: DiagnosisInput) -> [(FailureMode, RuleVerdict)] {
        let tally = input.cacheTally
        let fingerprinted = input.attempts.contains { $0.logged.steps.contains { $0.promptFingerprints != nil } }
        var findings = fingerprinted ? PrefixRules.findings(input) : []
        // The TTL part needs cache writes; the prefix part needs fingerprints. Either is an assessment.
        guard tally.writes + tally.final > 0 || fingerprinted else {
            let usage = input.attempts.contains { $0.logged.steps.contains { $0.usage != nil } }
            let needs =
                usage
                ? "cache writes in the usage (the traces report none) or prompt fingerprints (docs/TRACES.md)"
                : "token usage per model call"
            return [(.cacheMisuse, .unassessable(needs))]
        }
        guard tally.unread.count >= Self.minimumUnread else { return [(.cacheMisuse, .assessed(findings))] }
        var premium = 0.0
        var tokens = 0
        for step in tally.unread {
            guard let usage = step.usage, let model = step.model else { continue }
            let written = TokenUsage(cacheWrite: usage.cacheWrite, cacheWrite1h: usage.cacheWrite1h)
            let plain = TokenUsage(uncachedInput: usage.cacheWrite)
            premium += input.prices.price(written, model: model).cost.total - input.prices.price(plain, model: model).cost.total
            tokens += usage.cacheWrite
        }
        guard premium > 0 else { return [(.cacheMisuse, .assessed(findings))] }
        let attempts = Set(tally.unread.map(\.attemptID))
        let tasks = Set(input.attempts.filter { attempts.contains($0.id) }.map(\.task))
        let finding = Finding(
            mode: .cacheMisuse,
            summary:
                "\(tally.unread.count) of \(tally.writes) cache writes (\(tokens) tokens) were never read within their lifetime",
            tasks: tasks.sorted(), attempts: attempts.sorted(),
            steps: tally.unread.map { StepReference(attempt: $0.attemptID, step: $0.stepID) },
            moneyWasted: max(0, premium),
            moneyEstimate: "the named calls' cache-write tokens priced as writes minus priced as uncached input (the premium)",
            secondsWasted: nil, secondsEstimate: "not estimated: writing to the cache costs money, not measurable time",
            evidence: [
                Evidence("cache writes", Double(tally.writes), "calls"),
                Evidence("read within their TTL", Double(tally.readWithinTTL), "calls"),
                Evidence("never read", Double(tally.unread.count), "calls"), Evidence("unread tokens", Double(tokens), "tokens"),
            ],
            confidence: Confidence(
                samples: tally.writes,
                note:
                    "read = a later call of the same attempt and agent within the TTL read more cache than the writing call; calls in other sessions sharing the prefix are not seen"
            ),
            change:
                "write the cache only where the prefix is read again soon: move cache breakpoints to the stable prefix, or use 1-hour writes for prefixes reused across sessions"
        )
        findings.append(finding)
        return [(.cacheMisuse, .assessed(findings))]
    }
}

/// The cache checks that read prompt fingerprints: volatile content at the start of a prompt
/// (the attempts of one task whose first messages differ, so no attempt can reuse another's
/// prefix), and shared prefixes that miss the cache (a call whose first message matches an
/// earlier call's within five minutes, yet read nothing from the cache).
enum PrefixRules {
    static let minimumAttempts = 5
    static let minimumMisses = 5

    static func findings(_ input: DiagnosisInput) -> [Finding] {
        let first = input.attempts.compactMap { attempt -> (AttemptFacts, StepRecord)? in
            let chats = attempt.logged.steps.filter {
                $0.operation == .chat && $0.agentID == "main" && $0.promptFingerprints != nil && $0.errorType == nil
                    && $0.usage != nil
            }
            return chats.min { $0.index < $1.index }.map { (attempt, $0) }
        }
        var findings: [Finding] = []
        // Volatile content early: per task and configuration, first messages that (almost) never
        // repeat; one finding per task, over every configuration where it happens.
        // Per level too: attempts issued at one instant would share a stamped time.
        let groups = Dictionary(
            grouping: first, by: { "\($0.0.configuration)\u{0}\($0.0.record.level.map { "\($0)" } ?? "")\u{0}\($0.0.task)" })
        var volatile: [String: (attempts: Int, distinct: Int, steps: [StepRecord])] = [:]
        for key in groups.keys.sorted() {
            let group = groups[key] ?? []
            guard group.count >= minimumAttempts else { continue }
            let distinct = Set(group.compactMap { $0.1.promptFingerprints?.first }).count
            guard 2 * distinct > group.count else { continue }
            var entry = volatile[group[0].0.task] ?? (0, 0, [])
            entry.attempts += group.count
            entry.distinct += distinct
            entry.steps += group.dropFirst().map(\.1)
            volatile[group[0].0.task] = entry
        }
        for task in volatile.keys.sorted() {
            guard let (attempts, distinct, steps) = volatile[task] else { continue }
            let waste = steps.reduce(0) { $0 + readInsteadSaving($1, prices: input.prices) }
            findings.append(
                Finding(
                    mode: .cacheMisuse,
                    summary:
                        "\(task): \(distinct) different first messages in \(attempts) attempts: content that changes per attempt (a time, an id) opens the prompt, so no attempt reuses another's prefix",
                    tasks: [task], attempts: steps.map(\.attemptID),
                    steps: steps.map { StepReference(attempt: $0.attemptID, step: $0.stepID) },
                    moneyWasted: waste,
                    moneyEstimate:
                        "at most: the named first calls' uncached and cache-write input priced as written minus priced as cache reads",
                    secondsWasted: nil, secondsEstimate: "not estimated (prefill time of the unshared prefix)",
                    evidence: [
                        Evidence("attempts", Double(attempts), "attempts"),
                        Evidence("distinct first messages", Double(distinct), "messages"),
                    ],
                    confidence: Confidence(
                        samples: attempts, heuristic: true,
                        note: "from prompt fingerprints: the first message's hash differs between attempts of the same task"),
                    change:
                        "move per-attempt content (times, ids, user data) after the stable instructions, so the prefix is shared")
            )
        }
        // Shared prefixes that miss the cache.
        // Keyed by model and first message; the earlier call must have ended before this one was
        // sent (calls sent together cannot read each other's prefix).
        var seen: [String: Int64] = [:]
        var misses: [StepRecord] = []
        var candidates = 0
        let ordered = first.map(\.1).sorted { ($0.timing.sent ?? 0, $0.stepID) < ($1.timing.sent ?? 0, $1.stepID) }
        for step in ordered {
            guard let fingerprint = step.promptFingerprints?.first, let sent = step.timing.sent else { continue }
            let key = (step.model ?? "") + "\u{0}" + fingerprint
            if let earlier = seen[key], earlier <= sent, sent - earlier <= CacheRule.fiveMinutes {
                candidates += 1
                if (step.usage?.cacheRead ?? 0) == 0 { misses.append(step) }
            }
            if let end = step.timing.end { seen[key] = min(seen[key] ?? end, end) }
        }
        if misses.count >= minimumMisses, 2 * misses.count >= candidates {
            let missedAttempts = Set(misses.map(\.attemptID))
            let waste = misses.reduce(0) { $0 + readInsteadSaving($1, prices: input.prices) }
            findings.append(
                Finding(
                    mode: .cacheMisuse,
                    summary:
                        "\(misses.count) of \(candidates) calls that repeat an earlier call's first message within 5 minutes read nothing from the cache",
                    tasks: Array(Set(input.attempts.filter { missedAttempts.contains($0.id) }.map(\.task)))
                        .sorted(),
                    attempts: misses.map(\.attemptID),
                    steps: misses.map { StepReference(attempt: $0.attemptID, step: $0.stepID) },
                    moneyWasted: waste,
                    moneyEstimate: "at most: the named calls' uncached input priced as sent minus priced as cache reads",
                    secondsWasted: nil, secondsEstimate: "not estimated (prefill time of the missed prefix)",
                    evidence: [
                        Evidence("repeated first messages", Double(candidates), "calls"),
                        Evidence("read no cache", Double(misses.count), "calls"),
                    ],
                    confidence: Confidence(
                        samples: candidates, heuristic: true, note: "from prompt fingerprints and cache-read counts"),
                    change:
                        "turn prompt caching on (cache_control breakpoints, or the server's prefix cache), or route repeated prefixes to the same replica"
                ))
        }
        return findings
    }

    /// What the step's uncached and written input cost over the same tokens read from the cache.
    static func readInsteadSaving(_ step: StepRecord, prices: PriceTable) -> Double {
        guard let usage = step.usage, let model = step.model else { return 0 }
        let unread = usage.uncachedInput + usage.cacheWrite
        let actual = TokenUsage(
            uncachedInput: usage.uncachedInput, cacheWrite: usage.cacheWrite, cacheWrite1h: usage.cacheWrite1h)
        let cached = TokenUsage(cacheRead: unread)
        return max(0, prices.price(actual, model: model).cost.total - prices.price(cached, model: model).cost.total)
    }
}
