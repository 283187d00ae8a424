package import Foundation
package import Importers
import Sampling
package import Traces
package import Workload

/// What `agentperf replay` runs: recorded sessions (any format the importers read) as tasks of
/// a workload whose one level starts them at their recorded offsets (or at Poisson arrivals),
/// written as a workload file so the same checks and the same run apply.
package struct ReplayPlan: Sendable {
    /// When the sessions start.
    package enum Arrival: Sendable, Hashable {
        /// At their recorded starts, relative to the first (divided by the speed).
        case recorded
        /// A Poisson process at this many sessions per second (seeded).
        case poisson(Double)
    }

    package var sessions: [ReplayedSession]
    /// Seconds after the first session's start of each session's recorded start.
    package var recordedStarts: [Double]
    /// Model steps left out because their source recorded no usage.
    package var skippedSteps: Int

    /// Reads every session in `paths`; times divided by `speed`.
    package static func read(_ paths: [URL], speed: Double) throws -> ReplayPlan {
        var sessions: [(start: Double, wallClock: Double?, session: ReplayedSession)] = []
        var skipped = 0
        var names: Set<String> = []
        for file in try TraceFormat.files(in: paths) {
            guard let format = TraceFormat.detect(file) else {
                throw ImportError.cannotRead(path: file.path, reason: "not a trace format AgentPerf reads (docs/IMPORTERS.md)")
            }
            var sink = CollectingSink()
            try format.read(file, into: &sink)
            let log = sink.log
            if let problem = log.diagnostics.first(where: { $0.severity == .error }) {
                throw ImportError.cannotRead(path: file.path, reason: "\(problem)")
            }
            let origin = log.run?.startedAt?.timeIntervalSince1970
            // Warm-up and cancelled (cut short) attempts are not sessions to replay.
            for attempt in log.attempts where attempt.record.isMeasured {
                guard var session = ReplayedSession.of(attempt, tier: Self.tier, speed: speed, skipped: &skipped) else {
                    continue
                }
                // Task names must be unique: attempt ids repeat across recordings (g1, g2, … of two gateways).
                let base =
                    names.contains(session.source)
                    ? "\(file.deletingPathExtension().lastPathComponent)/\(session.source)" : session.source
                var unique = base
                var n = 2
                while names.contains(unique) {
                    unique = "\(base)-\(n)"
                    n += 1
                }
                session.source = unique
                names.insert(unique)
                let start = Double(attempt.record.scheduled ?? attempt.steps.compactMap(\.timing.sent).min() ?? 0) / 1e9
                sessions.append((start / speed, origin.map { $0 / speed }, session))
            }
        }
        // Wall-clock starts when every source has one; else each source's own clock.
        let absolute = sessions.allSatisfy { $0.wallClock != nil }
        let starts = sessions.map { absolute ? $0.wallClock! + $0.start : $0.start }
        let order = sessions.indices.sorted { starts[$0] < starts[$1] }
        let first = order.first.map { starts[$0] } ?? 0
        return ReplayPlan(
            sessions: order.map { sessions[$0].session }, recordedStarts: order.map { starts[$0] - first },
            skippedSteps: skipped)
    }

    /// The tier every replayed call goes to.
    package static let tier = "replay"
    /// How long before the first session the priming call is sent.
    package static let primeLead = 1.0

    /// The workload file: `count` sessions (the recorded ones in turn), a priming warm-up
    /// attempt first when sessions found a prefix already cached, calls on `model`.
    package func workloadYAML(model: String, count: Int, arrival: Arrival, seed: UInt64, workers: Int?) throws -> String {
        precondition(!sessions.isEmpty && count >= 1)
        var tasks: [[String: Any]] = []
        var offsets: [Double] = []
        let inherited = sessions.map(\.inheritedCacheTokens).max() ?? 0
        if inherited > 0 {
            // The recorded sessions' first calls read a prefix earlier sessions had cached (Claude
            // Code's system prompt): one call with that prefix warms the server's cache, as theirs was.
            let prime = ReplayedSession(
                source: "prime", tier: Self.tier,
                agents: [
                    .init(
                        id: "main", startOffset: 0,
                        events: [
                            .init(
                                kind: .model, gapBefore: 0, inputTokens: inherited + 3, cacheReadTokens: inherited,
                                outputTokens: 1)
                        ])
                ])
            tasks.append(try Self.task(name: "prime-cache", prime))
            offsets.append(0)
        }
        let lead = inherited > 0 ? Self.primeLead : 0
        var generator = SeededGenerator(seed: seed, stream: "replay/arrivals")
        var poissonOffset = 0.0
        for index in 0..<count {
            let session = sessions[index % sessions.count]
            let round = index / sessions.count
            tasks.append(try Self.task(name: "\(session.source)" + (round > 0 ? "#\(round + 1)" : ""), session))
            switch arrival {
            case .recorded:
                let span = (recordedStarts.last ?? 0) + 1
                offsets.append(lead + recordedStarts[index % sessions.count] + Double(round) * span)
            case .poisson(let rate):
                offsets.append(lead + poissonOffset)
                poissonOffset += generator.exponential(mean: 1 / rate)
            }
        }
        var load: [String: Any] = [
            "arrival": "recorded", "offsets": offsets, "warmup_attempts": inherited > 0 ? 1 : 0, "attempt_timeout": "24h",
        ]
        if let workers { load["workers"] = workers }
        let document: [String: Any] = [
            "name": "replay", "seed": seed, "load": load, "models": [Self.tier: model], "tasks": tasks,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private static func task(name: String, _ session: ReplayedSession) throws -> [String: Any] {
        let encoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(session))
        return ["name": name, "replay": encoded]
    }
}
