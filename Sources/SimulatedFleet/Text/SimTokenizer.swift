/// The simulated fleet's tokenizer and text generator.
///
/// Deliberately simple and deterministic: every whitespace-separated piece of up to eight bytes
/// is one token (longer pieces count one token per eight bytes), and a token's id is the FNV-1a
/// hash of its bytes. A chat prompt is each message's role marker followed by its content, then
/// the assistant marker that asks for a reply. Generated text is words from a fixed 8,192-word
/// vocabulary chosen by hashing the prompt, so the same prompt yields the same reply (as greedy
/// decoding would) and a reply fed back in a later prompt tokenizes to the same ids, which is
/// what lets multi-turn conversations hit the prefix cache.
public enum SimTokenizer {
    /// Bytes per token for long pieces.
    public static let maxPieceBytes = 8
    /// Size of the output vocabulary.
    public static let vocabularySize = 8192

    /// Appends the tokens of `text` to `tokens`.
    public static func tokenize(_ text: String, into tokens: inout [UInt32]) {
        var text = text
        // One pass over the contiguous UTF-8 bytes: every call's whole conversation is tokenized
        // again, so this loop is the simulated fleet's hottest (docs/PERFORMANCE.md).
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                var hash: UInt32 = 0x811c_9dc5
                var length = 0
                while index < bytes.count, !isSpace(bytes[index]) {
                    if length == maxPieceBytes {
                        tokens.append(hash)
                        hash = 0x811c_9dc5
                        length = 0
                    }
                    hash = (hash ^ UInt32(bytes[index])) &* 0x0100_0193
                    length += 1
                    index += 1
                }
                if length > 0 { tokens.append(hash) }
            }
        }
    }

    /// Number of tokens in `text`.
    public static func count(_ text: String) -> Int {
        var tokens: [UInt32] = []
        tokenize(text, into: &tokens)
        return tokens.count
    }

    /// The prompt tokens of a chat request.
    public static func chatPrompt(_ messages: [(role: String, content: String)]) -> [UInt32] {
        var tokens: [UInt32] = []
        tokens.reserveCapacity(messages.reduce(0) { $0 + $1.content.utf8.count / 5 } + 8)
        for message in messages {
            tokens.append(roleMarker(message.role))
            tokenize(message.content, into: &tokens)
        }
        tokens.append(roleMarker("assistant"))
        return tokens
    }

    /// The marker token that opens a message of `role`.
    public static func roleMarker(_ role: String) -> UInt32 {
        FNV1a.hash32("<|\(role)|>".utf8)
    }

    /// A seed for the reply to `prompt`, so the same prompt gets the same reply.
    public static func outputSeed(for prompt: [UInt32]) -> UInt64 {
        prompt.reduce(FNV1a.offset64) { FNV1a.mix($0, $1) }
    }

    /// The `index`-th generated word of the reply with `seed`.
    public static func outputWord(seed: UInt64, index: Int) -> String {
        let h = FNV1a.mix(seed, UInt64(index))
        return vocabularyWord(Int((h ^ (h >> 29)) % UInt64(vocabularySize)))
    }

    /// The token id of the `index`-th generated word.
    public static func outputToken(seed: UInt64, index: Int) -> UInt32 {
        FNV1a.hash32(outputWord(seed: seed, index: index).utf8)
    }

    /// Word `index` of the vocabulary: three consonant-vowel syllables, six letters.
    public static func vocabularyWord(_ index: Int) -> String {
        let consonants = Array("bdfgklmnprstvz".utf8)
        let vowels = Array("aeiou".utf8)
        let syllables = consonants.count * vowels.count
        var value = index
        var bytes: [UInt8] = []
        for _ in 0..<3 {
            let syllable = value % syllables
            value /= syllables
            bytes.append(consonants[syllable / vowels.count])
            bytes.append(vowels[syllable % vowels.count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A deterministic unit-length embedding of `text`: its words (lower-cased letters and digits)
    /// hashed into `dimension` signed buckets (feature hashing), so that texts sharing words point
    /// the same way and cosine similarity ranks them as a real embedding model roughly would. A
    /// text without words gets a fixed vector.
    public static func embedding(of text: String, dimension: Int) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let hash = FNV1a.hash32(word.utf8)
            vector[Int(hash % UInt32(dimension))] += (hash >> 31) == 0 ? 1 : -1
        }
        if vector.allSatisfy({ $0 == 0 }) { vector[0] = 1 }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }
}
