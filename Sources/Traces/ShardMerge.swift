package import Foundation

/// Combines the traces of a sharded run's shards (`run --shard i/n`) into one run's trace: what
/// `agentperf merge` writes before computing the figures from it.
///
/// Every shard's timestamps count from its own run origin; the merged file counts from the
/// earliest shard's `started_at`, each shard shifted by the gap between its anchor and that one
/// (zero when every shard had the same `--start-at`). Attempts and steps are copied once each,
/// so counts, token buckets, costs and every percentile of the merged run are those of the
/// union of the shards' attempts. One window per level (and variant) replaces the shards':
/// the span in which every shard with workers at that level was in its window (latest start to
/// earliest end), so throughput is counted where the whole level was running.
///
/// Streams: one shard at a time, holding only the steps of attempts not yet closed and the set
/// of attempt ids seen (ids repeat only if shards of different runs were given).
package enum ShardMerge {
    /// What the merge found: the merged header, per-level alignment, totals, and warnings.
    package struct Outcome: Sendable {
        package var run: RunRecord
        package var levels: [LevelAlignment]
        package var attempts: Int
        package var steps: Int
        /// Torn last lines and unfinished attempts of interrupted shards (left out), and with
        /// `allowPartial` every other sign of a shard that did not finish.
        package var warnings: [TraceDiagnostic]
        /// True when `allowPartial` let something incomplete through: not a whole run.
        package var isPartial: Bool { !warnings.isEmpty }
    }

    /// How one merged level lines up across shards.
    package struct LevelAlignment: Sendable {
        package var window: WindowRecord
        /// Latest minus earliest level start among the shards that ran workers there (ns).
        package var startSkew: Int64
        /// How many shards ran workers at the level.
        package var shards: Int
        /// The shards' windows did not overlap: the merged window has no length.
        package var noOverlap: Bool
    }

    /// Why shards cannot be merged.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case unreadable(TraceError)
        case notAShard(path: String)
        case shardCounts(path: String, found: Int, expected: Int)
        case duplicateShard(index: Int, first: String, second: String)
        case missingShards([Int], count: Int)
        case differ(field: String, path: String, found: String, expected: String)
        case anchorsApart(path: String, seconds: Double)
        case badLine(TraceDiagnostic)
        case duplicateAttempt(String, path: String)
        case partial(path: String, String)
        case writeFailed(TraceError)

        package var description: String {
            switch self {
            case .unreadable(let error): "\(error)"
            case .notAShard(let path): "\(path): not a shard (its run header has no shard; made by `run --shard i/n`)"
            case .shardCounts(let path, let found, let expected):
                "\(path): a shard of \(found), while the first shard given is one of \(expected)"
            case .duplicateShard(let index, let first, let second): "shard \(index) given twice: \(first) and \(second)"
            case .missingShards(let missing, let count):
                "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: merge needs every shard of the run"
            case .differ(let field, let path, let found, let expected):
                "\(path): \(field) is \(found) where the first shard's is \(expected); these are shards of different runs"
            case .anchorsApart(let path, let seconds):
                "\(path): started \(Int(seconds)) s from another shard; shards of one run start together (give each the same --start-at)"
            case .partial(let path, let what):
                "\(path): \(what); merging it would present part of a run as the whole (wait for the shard, or merge with --allow-partial)"
            case .badLine(let diagnostic): "\(diagnostic); a shard with unreadable lines is not merged (fix or drop the line)"
            case .duplicateAttempt(let id, let path):
                "\(path): attempt \(id) also appears in an earlier shard; these are shards of different runs"
            case .writeFailed(let error): "\(error)"
            }
        }
    }

    /// Shards whose starts are further apart than this are not one run.
    static let maxAnchorGap: TimeInterval = 3600

    /// Reads the run header of each trace file, checks they are the shards `0..<n` of one run,
    /// and returns them in shard order with their files.
    package static func headers(_ files: [URL]) throws(Failure) -> [(url: URL, run: RunRecord)] {
        var shards: [(url: URL, run: RunRecord)] = []
        for file in files {
            let run: RunRecord
            do { run = try TraceLog.header(of: file) } catch { throw .unreadable(error) }
            guard let shard = run.shard else { throw .notAShard(path: file.path) }
            if let first = shards.first {
                let expected = first.run.shard!.count
                guard shard.count == expected else { throw .shardCounts(path: file.path, found: shard.count, expected: expected) }
                if let twin = shards.first(where: { $0.run.shard == shard }) {
                    throw .duplicateShard(index: shard.index, first: twin.url.path, second: file.path)
                }
                try same(first.run, run, path: file.path)
            }
            shards.append((file, run))
        }
        guard let count = shards.first?.run.shard?.count else { return [] }
        // Every shard has a wall-clock start, or none does (then they share a timeline only by assumption).
        let anchors = shards.compactMap(\.run.startedAt)
        if !anchors.isEmpty, anchors.count < shards.count {
            let path = shards.first { $0.run.startedAt == nil }!.url.path
            throw .differ(field: "started_at", path: path, found: "absent", expected: "a time, as the other shards have")
        }
        // Virtual-time shards each count from their own zero: when they ran does not matter.
        if shards.first?.run.clock != .virtual, let earliest = anchors.min(),
            let latest = shards.max(by: { ($0.run.startedAt ?? .distantPast) < ($1.run.startedAt ?? .distantPast) }),
            let start = latest.run.startedAt, start.timeIntervalSince(earliest) > maxAnchorGap
        {
            throw .anchorsApart(path: latest.url.path, seconds: start.timeIntervalSince(earliest))
        }
        let missing = Set(0..<count).subtracting(shards.compactMap { $0.run.shard?.index }).sorted()
        guard missing.isEmpty else { throw .missingShards(missing, count: count) }
        return shards.sorted { $0.run.shard!.index < $1.run.shard!.index }
    }

    private static func same(_ first: RunRecord, _ run: RunRecord, path: String) throws(Failure) {
        let fields: [(String, String, String)] = [
            ("workload", run.workload, first.workload),
            ("seed", run.seed.map(String.init) ?? "none", first.seed.map(String.init) ?? "none"),
            ("concurrency_levels", "\(run.concurrencyLevels)", "\(first.concurrencyLevels)"),
            ("clock", run.clock?.rawValue ?? "none", first.clock?.rawValue ?? "none"),
            ("target", run.target ?? "none", first.target ?? "none"),
            ("agentperf_version", run.agentperfVersion, first.agentperfVersion),
        ]
        for (field, found, expected) in fields where found != expected {
            throw .differ(field: field, path: path, found: found, expected: expected)
        }
    }

    /// Merges the shards (as `headers` returns them) into a new trace file at `output`, with
    /// the run id `runID`. A shard that did not finish (a torn last line, attempts that never
    /// ended, an interrupted level, a level another shard ran) is refused unless `allowPartial`.
    package static func merge(
        _ shards: [(url: URL, run: RunRecord)], runID: String, into output: URL, allowPartial: Bool = false
    ) throws(Failure) -> Outcome {
        let anchors = shards.map { $0.run.startedAt }
        let origin = anchors.compactMap { $0 }.min()
        var run = shards[0].run
        run.runID = runID
        run.startedAt = origin
        run.shard = nil
        run.mergedFrom = shards.map(\.run.runID)
        let sink: TraceFileSink
        do {
            sink = try TraceFileSink(creating: output)
            try sink.begin(run)
        } catch let error as TraceError { throw .writeFailed(error) } catch {
            throw .writeFailed(.writeFailed(path: output.path, reason: "\(error)"))
        }
        var copier = Copier(sink: sink, runID: runID)
        var windows: [WindowKey: [ShardWindow]] = [:]
        var windowOrder: [WindowKey] = []
        var levelsOfShard: [(URL, Set<WindowKey>)] = []
        for (url, shardRun) in shards {
            // Anchors are written to the millisecond, so the gap is a whole number of them (at
            // most an hour: `headers` checked). Virtual-time shards each start at their own zero.
            var offset: Int64 = 0
            if let anchor = shardRun.startedAt, let origin, shardRun.clock != .virtual {
                offset = Int64((anchor.timeIntervalSince(origin) * 1000).rounded()) * 1_000_000
            }
            let copied = try copier.copy(url, shifting: offset)
            // Every sign of a shard that did not finish: refused, or (allowPartial) said.
            func incomplete(_ problem: String) throws(Failure) {
                if !allowPartial { throw .partial(path: url.path, problem) }
                copier.warnings.append(
                    TraceDiagnostic(severity: .warning, file: url.path, line: nil, message: problem + "; merged anyway"))
            }
            if let problem = copied.unfinished { try incomplete(problem) }
            let windowed = Set(copied.windows.map { WindowKey(level: $0.level, variant: $0.variant) })
            for key in copied.measured.keys.sorted(by: { $0.level.rawValue < $1.level.rawValue }) where !windowed.contains(key) {
                try incomplete(
                    "it ran measured attempts at level \(key.level) but has no window for it (it stopped inside the level)")
            }
            var keys: Set<WindowKey> = []
            for window in copied.windows {
                let key = WindowKey(level: window.level, variant: window.variant)
                if window.interrupted { try incomplete("its level \(key.level) was interrupted") }
                if windows[key] == nil { windowOrder.append(key) }
                keys.insert(key)
                windows[key, default: []].append(ShardWindow(window: window, measured: copied.measured[key, default: 0]))
            }
            levelsOfShard.append((url, keys))
        }
        for (url, keys) in levelsOfShard {
            if let missing = windowOrder.first(where: { !keys.contains($0) }) {
                let problem = "it has no window for level \(missing.level), which another shard ran"
                if !allowPartial { throw .partial(path: url.path, problem) }
                copier.warnings.append(
                    TraceDiagnostic(severity: .warning, file: url.path, line: nil, message: problem + "; merged anyway"))
            }
        }
        var levels: [LevelAlignment] = []
        for key in windowOrder {
            let alignment = align(windows[key]!, runID: runID)
            levels.append(alignment)
            do { try sink.window(alignment.window) } catch let error as TraceError { throw .writeFailed(error) } catch {}
        }
        do { try sink.close() } catch let error as TraceError { throw .writeFailed(error) } catch {}
        return Outcome(run: run, levels: levels, attempts: copier.attempts, steps: copier.steps, warnings: copier.warnings)
    }

    private struct WindowKey: Hashable {
        var level: LevelID
        var variant: String?
    }

    private struct ShardWindow {
        var window: WindowRecord
        /// Measured attempts the shard ran at the level (a shard may own none of a short level's).
        var measured: Int
    }

    /// One window over the shards' windows of a level: the span all shards that ran measured
    /// attempts there share.
    private static func align(_ windows: [ShardWindow], runID: String) -> LevelAlignment {
        let running = windows.filter { $0.measured > 0 }.map(\.window)
        let all = windows.map(\.window)
        let basis = running.isEmpty ? all : running
        let start = basis.map(\.start).max()!
        let end = basis.map(\.end).min()!
        var window = WindowRecord(
            runID: runID, level: basis[0].level, levelStart: all.map(\.levelStart).min()!, start: start, end: max(start, end),
            drainEnd: all.compactMap(\.drainEnd).max(), interrupted: all.contains(where: \.interrupted))
        window.concurrency = basis[0].concurrency
        window.variant = basis[0].variant
        let starts = basis.map(\.levelStart)
        let (skew, overflow) = starts.max()!.subtractingReportingOverflow(starts.min()!)
        return LevelAlignment(
            window: window, startSkew: overflow ? .max : skew, shards: basis.count, noOverlap: end < start)
    }

    /// Copies one shard after another into the sink: attempts with their steps, shifted, under the merged run id.
    private struct Copier {
        let sink: TraceFileSink
        let runID: String
        var seen: Set<String> = []
        var attempts = 0
        var steps = 0
        var warnings: [TraceDiagnostic] = []
        let decoder = JSONDecoder()

        init(sink: TraceFileSink, runID: String) {
            self.sink = sink
            self.runID = runID
        }

        /// What one shard's file held besides the attempts copied.
        struct Copied {
            var windows: [WindowRecord] = []
            /// Measured attempts per level (and variant).
            var measured: [WindowKey: Int] = [:]
            /// What shows the shard did not finish: a torn last line, attempts that never ended.
            var unfinished: String?
        }

        /// Copies `url`'s attempts and steps; returns its windows, shifted, and what else it found.
        mutating func copy(_ url: URL, shifting offset: Int64) throws(Failure) -> Copied {
            var copied = Copied()
            var pending: [String: [StepRecord]] = [:]
            do {
                var reader = try LineReader(url: url)
                while let line = try reader.next() {
                    guard line.bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
                    let record: TraceRecord
                    do { record = try decoder.decode(TraceRecord.self, from: Data(line.bytes)) } catch {
                        let diagnostic = TraceDiagnostic(
                            severity: line.isTerminated ? .error : .warning, file: url.path, line: line.number,
                            message: line.isTerminated
                                ? DecodingProblem.describe(error, in: line.bytes)
                                : "incomplete last record (the shard was stopped while writing it); left out")
                        guard !line.isTerminated else { throw Failure.badLine(diagnostic) }
                        warnings.append(diagnostic)
                        copied.unfinished = "its last line is incomplete (the shard was still writing, or was stopped)"
                        continue
                    }
                    switch record {
                    case .run: continue
                    case .step(var step):
                        step.runID = runID
                        step.timing.shift(by: offset)
                        pending[step.attemptID, default: []].append(step)
                    case .attempt(var attempt):
                        guard seen.insert(attempt.attemptID).inserted else {
                            throw Failure.duplicateAttempt(attempt.attemptID, path: url.path)
                        }
                        attempt.runID = runID
                        attempt.shift(by: offset)
                        for step in pending.removeValue(forKey: attempt.attemptID) ?? [] {
                            try sink.step(step)
                            steps += 1
                        }
                        try sink.attempt(attempt)
                        attempts += 1
                        if attempt.isMeasured, let level = attempt.level {
                            copied.measured[WindowKey(level: level, variant: attempt.variant), default: 0] += 1
                        }
                    case .window(var window):
                        window.runID = runID
                        window.shift(by: offset)
                        copied.windows.append(window)
                    }
                }
            } catch let failure as Failure {
                throw failure
            } catch let error as TraceError {
                throw .unreadable(error)
            } catch {
                throw .unreadable(.cannotOpen(path: url.path, reason: FileErrors.describe(error)))
            }
            if !pending.isEmpty {
                warnings.append(
                    TraceDiagnostic(
                        severity: .warning, file: url.path, line: nil,
                        message: "\(pending.count) attempts never finished (the shard was interrupted); left out"))
                copied.unfinished = copied.unfinished ?? "\(pending.count) of its attempts never finished"
            }
            return copied
        }
    }
}

extension Int64 {
    /// `self + offset`, saturating (a timestamp read from a file may be anything).
    fileprivate func shifted(by offset: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(offset)
        return overflow ? (offset > 0 ? .max : .min) : sum
    }
}

extension StepTiming {
    fileprivate mutating func shift(by offset: Int64) {
        scheduled = scheduled?.shifted(by: offset)
        sent = sent?.shifted(by: offset)
        firstToken = firstToken?.shifted(by: offset)
        lastToken = lastToken?.shifted(by: offset)
        end = end?.shifted(by: offset)
        // serverQueue is a duration, not an instant.
    }
}

extension AttemptRecord {
    fileprivate mutating func shift(by offset: Int64) {
        scheduled = scheduled?.shifted(by: offset)
        started = started?.shifted(by: offset)
        end = end?.shifted(by: offset)
    }
}

extension WindowRecord {
    fileprivate mutating func shift(by offset: Int64) {
        levelStart = levelStart.shifted(by: offset)
        start = start.shifted(by: offset)
        end = end.shifted(by: offset)
        drainEnd = drainEnd?.shifted(by: offset)
    }
}
