import Testing

@testable import SimulatedFleet

@Suite struct TokenizerTests {
    @Test("every whitespace-separated piece of up to eight bytes is one token")
    func countsWords() {
        #expect(SimTokenizer.count("alpha beta\n gamma\t delta") == 4)
        #expect(SimTokenizer.count("") == 0)
        #expect(SimTokenizer.count("abcdefghijklmnopq") == 3)  // 17 bytes → 8 + 8 + 1
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

    @Test("embeddings are deterministic unit vectors")
    func embeddings() {
        let a = SimTokenizer.embedding(of: [1, 2, 3], dimension: 64)
        #expect(a == SimTokenizer.embedding(of: [1, 2, 3], dimension: 64))
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-4)
    }
}
