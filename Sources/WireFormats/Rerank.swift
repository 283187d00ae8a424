/// Rerank wire types in the two shapes servers use:
/// - Jina/Cohere style, served by vLLM (`POST /v1/rerank`), Jina and Cohere: `{model, query,
///   documents, top_n}` → `{results: [{index, relevance_score}], usage: {total_tokens}}`;
/// - Hugging Face TEI (`POST /rerank`): `{query, texts}` → `[{index, score}]`, no usage.
public enum Rerank {
    public struct Request: Codable, Sendable, Hashable {
        public var model: String
        public var query: String
        public var documents: [String]
        public var topN: Int?

        public init(model: String, query: String, documents: [String], topN: Int? = nil) {
            self.model = model
            self.query = query
            self.documents = documents
            self.topN = topN
        }

        enum CodingKeys: String, CodingKey { case model, query, documents, topN = "top_n" }
    }

    public struct Result: Codable, Sendable, Hashable {
        public var index: Int
        public var relevanceScore: Double
        public init(index: Int, relevanceScore: Double) {
            self.index = index
            self.relevanceScore = relevanceScore
        }
        enum CodingKeys: String, CodingKey { case index, relevanceScore = "relevance_score" }
    }

    public struct Usage: Codable, Sendable, Hashable {
        public var totalTokens: Int?
        public var promptTokens: Int?
        public init(totalTokens: Int?, promptTokens: Int?) {
            self.totalTokens = totalTokens
            self.promptTokens = promptTokens
        }
        enum CodingKeys: String, CodingKey { case totalTokens = "total_tokens", promptTokens = "prompt_tokens" }
    }

    public struct Response: Codable, Sendable, Hashable {
        public var results: [Result]
        public var usage: Usage?
        public init(results: [Result], usage: Usage?) {
            self.results = results
            self.usage = usage
        }
    }

    public struct TEIRequest: Codable, Sendable, Hashable {
        public var query: String
        public var texts: [String]
        public init(query: String, texts: [String]) {
            self.query = query
            self.texts = texts
        }
    }

    public struct TEIResult: Codable, Sendable, Hashable {
        public var index: Int
        public var score: Double
    }
}
