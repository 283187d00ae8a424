import ArgumentParser
import Foundation
import Traces

/// `run --shard i/n --start-at TIME`: one share of a run split across processes or machines,
/// started at a time every shard is given (docs/SCALE-OUT.md).
struct ShardOptions: ParsableArguments, Sendable {
    @Option(
        help: ArgumentHelp(
            "Run shard i of n (from 0): every level's workers w with w % n == i and their attempts, seeded as in the whole run; combine the shards with `agentperf merge`.",
            valueName: "i/n"))
    var shard: ShardArgument?

    @Option(
        help: ArgumentHelp(
            "Start the first level at this wall-clock time (ISO 8601, like 2026-12-02T10:00:00Z): give every shard the same one.",
            valueName: "time"))
    var startAt: StartTime?
}

/// `--shard i/n`.
struct ShardArgument: ExpressibleByArgument, Sendable {
    let shard: Shard

    init?(argument: String) {
        guard let shard = Shard(parsing: argument) else { return nil }
        self.shard = shard
    }

    static var defaultValueDescription: String { "i/n with 0 ≤ i < n ≤ \(Shard.maxCount), like 0/4" }
}

/// An ISO 8601 instant (`2026-12-02T10:00:00Z`, fractional seconds allowed).
struct StartTime: ExpressibleByArgument, Sendable {
    let date: Date

    init?(argument: String) {
        guard
            let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(argument))
                ?? (try? Date.ISO8601FormatStyle().parse(argument))
        else { return nil }
        self.date = date
    }

    static var defaultValueDescription: String { "an ISO 8601 time like 2026-12-02T10:00:00Z" }
}
