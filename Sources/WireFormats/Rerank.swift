/// Rerank wire types in the two shapes servers use:
/// - Jina/Cohere style, served by vLLM (`POST /v1/rerank`), Jina and Cohere: `{model, query,
///   documents, top_n}` → `{results: [{index, relevance_score}], usage: {total_tokens}}`;
/// - Hugging Face TEI (`POST /rerank`): `{query, texts}` → `[{index, score}]`, no usage.
package enum Rerank {
    package struct Request: Codable, Sendable, Hashable {
        package var model: String
        package var query: String
        package var documents: [String]
        package var topN: Int?

        package init(model: String, query: String, documents: [String], topN: Int? = nil) {
            self.model = model
            self.query = query
            self.documents = documents
            self.topN = topN
        }

        enum CodingKeys: String, CodingKey { case model, query, documents, topN = "top_n" }
    }

    package struct Result: Codable, Sendable, Hashable {
        package var index: Int
        package var relevanceScore: Double
        package init(index: Int, relevanceScore: Double) {
            self.index = index
            self.relevanceScore = relevanceScore
        }
        enum CodingKeys: String, CodingKey { case index, relevanceScore = "relevance_score" }
    }

    package struct Usage: Codable, Sendable, Hashable {
        package var totalTokens: Int?
        package var promptTokens: Int?
        package init(totalTokens: Int?, promptTokens: Int?) {
            self.totalTokens = totalTokens
            self.promptTokens = promptTokens
        }
        enum CodingKeys: String, CodingKey { case totalTokens = "total_tokens", promptTokens = "prompt_tokens" }
    }

    package struct Response: Codable, Sendable, Hashable {
        package var results: [Result]
        package var usage: Usage?
        package init(results: [Result], usage: Usage?) {
            self.results = results
            self.usage = usage
        }
    }

    package struct TEIRequest: Codable, Sendable, Hashable {
        package var query: String
        package var texts: [String]
        package init(query: String, texts: [String]) {
            self.query = query
            self.texts = texts
        }
    }

    package struct TEIResult: Codable, Sendable, Hashable {
        package var index: Int
        package var score: Double
    }
}
