import Testing

@testable import SimulatedFleet

@Suite struct TokenizerTests {
    @Test("every whitespace-separated piece of up to eight bytes is one token")
    func countsWords() {
        #expect(SimTokenizer.count("alpha beta\n gamma\t delta") == 4)
        #expect(SimTokenizer.count("") == 0)
        #expect(SimTokenizer.count("abcdefghijklmnopq") == 3)  // 17 bytes → 8 + 8 + 1
    }

    @Test("a token's id is the 32-bit FNV-1a hash of its piece's bytes")
    func tokenIDs() {
        func fnv(_ text: String) -> UInt32 {
            text.utf8.reduce(UInt32(0x811c_9dc5)) { ($0 ^ UInt32($1)) &* 0x0100_0193 }
        }
        var tokens: [UInt32] = []
        SimTokenizer.tokenize("  go\tabcdefghij \r\nü…  ", into: &tokens)
        #expect(tokens == [fnv("go"), fnv("abcdefgh"), fnv("ij"), fnv("ü…")])
    }

    @Test("generated words re-tokenize to the ids the engine used for them")
    func repliesRoundTrip() {
        let seed: UInt64 = 42
        let text = (0..<20).map { SimTokenizer.outputWord(seed: seed, index: $0) }.joined(separator: " ")
        var tokens: [UInt32] = []
        SimTokenizer.tokenize(text, into: &tokens)
        #expect(tokens == (0..<20).map { SimTokenizer.outputToken(seed: seed, index: $0) })
    }

    @Test("a chat prompt is role markers and content, ending with the assistant marker")
    func chatPrompt() {
        let tokens = SimTokenizer.chatPrompt([("system", "a b c"), ("user", "d e")])
        #expect(tokens.count == 2 + 3 + 2 + 1)
        #expect(tokens.last == SimTokenizer.roleMarker("assistant"))
    }

    @Test("embeddings are deterministic unit vectors; texts sharing words are closer")
    func embeddings() {
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let a = SimTokenizer.embedding(of: "The capital of France is Paris.", dimension: 384)
        #expect(a == SimTokenizer.embedding(of: "The capital of France is Paris.", dimension: 384))
        #expect(abs(a.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        let query = SimTokenizer.embedding(of: "capital of france?", dimension: 384)
        let other = SimTokenizer.embedding(of: "Tokyo hosts the 2020 games.", dimension: 384)
        #expect(cosine(query, a) > cosine(query, other) + 0.3)
        #expect(abs(SimTokenizer.embedding(of: "  ", dimension: 8).reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    }
}
