/// A short stable hash of some text (FNV-1a 64, hex), for `observation_hash` and
/// `output_hash`: distinct content can be counted without storing it. Written by hand: no listed
/// package offers a stable, non-cryptographic string hash (Swift's `Hasher` is seeded per process).
public struct ContentHash: Sendable, Hashable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty hash, to feed text to piece by piece.
    public init() {}

    /// Adds `text`'s UTF-8 bytes, then a separator, so that ("ab", "c") and ("a", "bc") differ.
    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { mix(byte) }
        }
        mix(0)
    }

    /// The hash so far.
    public var value: UInt64 { state }

    /// The hash so far, as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Prompt fingerprints of a conversation: after each (role, content) message, the hash of
    /// every message so far.
    public static func chain(_ messages: [(role: String, content: String)]) -> [String] {
        var hash = ContentHash()
        return messages.map { message in
            hash.update(message.role)
            hash.update(message.content)
            return hash.hex
        }
    }

    /// The hash of `text` alone.
    public static func of(_ text: String) -> String {
        var hash = ContentHash()
        hash.update(text)
        return hash.hex
    }

    @inline(__always)
    private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state = state &* 0x0000_0100_0000_01b3
    }
}
