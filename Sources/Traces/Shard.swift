/// One share of a run split across processes or machines (`agentperf run --shard i/n`).
///
/// Shard `index` of `count` runs, at every level, the workers whose index `w` has
/// `w % count == index`, and the attempts those workers own: attempt positions `s` with
/// `(s % concurrency) % count == index` (closed loop), or arrivals `k` with `k % count == index`
/// (open loop). The shares of `0..<count` partition the unsharded run's workers, positions and
/// arrivals exactly, and an attempt's task and random draws are seeded by its position as in an
/// unsharded run, so `agentperf merge` of all shards is the unsharded run's set of attempts.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// This shard's index, from 0.
    public let index: Int
    /// How many shards the run is split into.
    public let count: Int

    /// The most shards a run splits into (one per worker of the largest level).
    public static let maxCount = 4096

    /// Shard `index` of `count`; nil unless `0 ≤ index < count ≤ maxCount`.
    public init?(index: Int, count: Int) {
        guard (1...Self.maxCount).contains(count), (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `i/n` (`1/4`: the second of four shards).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }

    /// The indices of the `total` workers of a level that this shard runs, in order.
    public func workers(of total: Int) -> [Int] {
        Array(stride(from: index, to: max(total, 0), by: count))
    }

    /// The position, in the unsharded level of `workers` agents, of this shard's `local`-th
    /// attempt (from 0): the shard's positions in increasing order. `nil` when the shard has no
    /// worker at the level.
    public func position(ofLocal local: Int, workers total: Int) -> Int? {
        let owned = workers(of: total)
        guard !owned.isEmpty else { return nil }
        let (round, slot) = local.quotientAndRemainder(dividingBy: owned.count)
        let (product, overflow) = round.multipliedReportingOverflow(by: total)
        guard !overflow else { return nil }
        return product + owned[slot]
    }

    /// How many of the positions `0..<bound` of a level of `workers` agents this shard owns.
    public func ownedPositions(below bound: Int, workers total: Int) -> Int {
        guard total > 0, bound > 0 else { return 0 }
        let (rounds, rest) = bound.quotientAndRemainder(dividingBy: total)
        let owned = workers(of: total)
        return rounds * owned.count + owned.count { $0 < rest }
    }

    /// True when this shard issues the open-loop arrival at `arrival` (its index in the level, from 0).
    public func ownsArrival(_ arrival: Int) -> Bool { arrival % count == index }

    /// This shard's share of a level's `total` workers (open-loop worker caps): `total ÷ count`,
    /// the remainder going to the lowest indices.
    public func share(of total: Int) -> Int { workers(of: total).count }
}

extension Shard {
    enum CodingKeys: String, CodingKey { case index, count }

    /// Decodes `{"index": i, "count": n}`, refusing an index outside `0..<count` or a count outside `1...maxCount`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let index = try c.decode(Int.self, forKey: .index)
        let count = try c.decode(Int.self, forKey: .count)
        guard let shard = Shard(index: index, count: count) else {
            throw DecodingError.dataCorruptedError(
                forKey: .index, in: c,
                debugDescription:
                    "expected a shard index from 0 to count − 1 and a count from 1 to \(Self.maxCount), found \(index)/\(count)")
        }
        self = shard
    }
}
