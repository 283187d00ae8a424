/// FNV-1a hashing: deterministic across processes and platforms, unlike `Hasher`, which is
/// seeded per process. Used for token ids, prefix-cache block hashes and output seeds, so the
/// same prompt maps to the same blocks in every run.
enum FNV1a {
    static let offset64: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime64: UInt64 = 0x0000_0100_0000_01b3

    static func hash32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    /// Mixes the four bytes of `value` into `hash`.
    static func mix(_ hash: UInt64, _ value: UInt32) -> UInt64 {
        var h = hash
        var v = value
        for _ in 0..<4 {
            h ^= UInt64(v & 0xFF)
            h = h &* prime64
            v >>= 8
        }
        return h
    }

    static func mix(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        mix(mix(hash, UInt32(truncatingIfNeeded: value)), UInt32(truncatingIfNeeded: value >> 32))
    }
}
