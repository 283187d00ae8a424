/// KV-cache blocks with a hashed prefix cache, as vLLM manages them (SPEC §7).
///
/// Memory is split into fixed-size blocks of `blockSize` tokens. A full block that has been
/// computed is registered under the hash of (parent block's hash, its tokens), so a later
/// request whose prompt starts with the same tokens reuses it instead of recomputing. Blocks
/// nobody references stay cached and are evicted least-recently-released first, only when a
/// new block is needed and no never-cached block is free.
///
/// The tables grow as blocks are first handed out, so a deployment with room for 10⁹ tokens
/// costs memory for the blocks its requests use, not for all of them at start.
struct BlockManager: Sendable {
    static let blockSize = 16

    let totalBlocks: Int
    let cachingEnabled: Bool
    /// One entry per block handed out so far (blocks `refCounts.count..<totalBlocks` are untouched).
    private var refCounts: [Int32] = []
    /// Hash under which a block is registered, if it is.
    private var hashOfBlock: [UInt64?] = []
    private var blockForHash: [UInt64: Int32] = [:]
    /// Released blocks holding nothing reusable.
    private var free: [Int32] = []
    /// Cached blocks with no references, least recently released first.
    private var evictable: LRUList

    init(totalBlocks: Int, cachingEnabled: Bool) {
        self.totalBlocks = totalBlocks
        self.cachingEnabled = cachingEnabled
        evictable = LRUList()
    }

    /// Blocks that can be handed out now (untouched, free and evictable).
    var availableBlocks: Int { totalBlocks - refCounts.count + free.count + evictable.count }

    /// Blocks referenced by running requests.
    var usedBlocks: Int { totalBlocks - availableBlocks }

    static func blocksNeeded(forTokens tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    /// How many leading `hashes` are cached.
    func cachedPrefixLength(_ hashes: some Collection<UInt64>) -> Int {
        guard cachingEnabled else { return 0 }
        var count = 0
        for hash in hashes {
            guard blockForHash[hash] != nil else { break }
            count += 1
        }
        return count
    }

    /// How many of the cached blocks of `hashes` nobody references (reusing them takes them
    /// out of the evictable pool, so admission must count them as consumed).
    func unreferencedCount(_ hashes: some Collection<UInt64>) -> Int {
        hashes.reduce(0) { count, hash in
            count + (blockForHash[hash].map { refCounts[Int($0)] == 0 ? 1 : 0 } ?? 0)
        }
    }

    /// References the cached blocks of `hashes` (all must be cached) and returns them.
    mutating func acquireCached(_ hashes: some Collection<UInt64>) -> [Int32] {
        hashes.map { hash in
            let block = blockForHash[hash]!  // caller checked with cachedPrefixLength
            if refCounts[Int(block)] == 0 { evictable.remove(block) }
            refCounts[Int(block)] += 1
            return block
        }
    }

    /// A new block for the caller, evicting the least recently used cached block if needed.
    mutating func allocate() -> Int32? {
        let block: Int32
        if let fresh = free.popLast() {
            block = fresh
        } else if refCounts.count < totalBlocks {
            // The lowest untouched block, as a free list of all blocks in order would give.
            block = Int32(refCounts.count)
            refCounts.append(0)
            hashOfBlock.append(nil)
            evictable.grow(to: refCounts.count)
        } else if let victim = evictable.popFirst() {
            if let hash = hashOfBlock[Int(victim)] { blockForHash.removeValue(forKey: hash) }
            hashOfBlock[Int(victim)] = nil
            block = victim
        } else {
            return nil
        }
        refCounts[Int(block)] = 1
        return block
    }

    /// Registers a computed full block under `hash`. Returns false when another block already
    /// holds the same tokens (computed concurrently), in which case this one stays private.
    @discardableResult
    mutating func register(_ block: Int32, hash: UInt64) -> Bool {
        guard cachingEnabled, blockForHash[hash] == nil else { return false }
        blockForHash[hash] = block
        hashOfBlock[Int(block)] = hash
        return true
    }

    /// Drops one reference to each block. The caller passes a sequence's blocks in order; they
    /// are released tail first so that, as in vLLM, a prompt's last blocks are evicted before
    /// its shared prefix.
    mutating func release(_ blocks: [Int32]) {
        for block in blocks.reversed() {
            refCounts[Int(block)] -= 1
            guard refCounts[Int(block)] == 0 else { continue }
            if hashOfBlock[Int(block)] != nil {
                evictable.append(block)
            } else {
                free.append(block)
            }
        }
    }
}

/// An intrusive doubly linked list over block indices: O(1) append, remove and pop.
/// Hand-written because swift-collections has no ordered container with O(1) removal by key.
struct LRUList: Sendable {
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var member: [Bool] = []
    private var head: Int32 = -1
    private var tail: Int32 = -1
    private(set) var count = 0

    /// Makes room for items `0..<capacity`.
    mutating func grow(to capacity: Int) {
        guard capacity > member.count else { return }
        let more = capacity - member.count
        previous.append(contentsOf: repeatElement(-1, count: more))
        next.append(contentsOf: repeatElement(-1, count: more))
        member.append(contentsOf: repeatElement(false, count: more))
    }

    mutating func append(_ item: Int32) {
        let i = Int(item)
        guard !member[i] else { return }
        member[i] = true
        previous[i] = tail
        next[i] = -1
        if tail >= 0 { next[Int(tail)] = item } else { head = item }
        tail = item
        count += 1
    }

    mutating func remove(_ item: Int32) {
        let i = Int(item)
        guard member[i] else { return }
        member[i] = false
        if previous[i] >= 0 { next[Int(previous[i])] = next[i] } else { head = next[i] }
        if next[i] >= 0 { previous[Int(next[i])] = previous[i] } else { tail = previous[i] }
        count -= 1
    }

    mutating func popFirst() -> Int32? {
        guard head >= 0 else { return nil }
        let item = head
        remove(item)
        return item
    }
}
