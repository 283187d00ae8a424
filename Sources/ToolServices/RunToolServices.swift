package import Backends
import Foundation
package import Logging
package import Timekeeping
package import Tools
import Traces
package import WireFormats
package import Workload

/// A model a retrieval tool calls: the tier's model name on the tier's backend.
package struct TierModel<Backend: Sendable>: Sendable {
    package var model: String
    package var backend: Backend

    package init(model: String, backend: Backend) {
        self.model = model
        self.backend = backend
    }
}

/// The embeddings model of a retrieval tool's tier.
package typealias Embedder = TierModel<any EmbeddingBackend>
/// The reranker of a retrieval tool's rerank tier.
package typealias Reranker = TierModel<any RerankBackend>

/// One retrieval tool's index and the models it calls per query.
struct RetrievalService: Sendable {
    var index: RetrievalIndex
    var embedder: Embedder
    var reranker: Reranker?
    var topK: Int
    var candidates: Int
}

/// The tools that live for a whole run: MCP servers and retrieval indexes. `run` sets them up
/// before any attempt (a failure stops the run with an error naming the server or tool) and
/// stops them after the last.
package struct RunToolServices: ExternalTools {
    private let mcp: MCPServers
    private let retrieval: [String: RetrievalService]

    /// Sets up `workload`'s MCP servers and retrieval indexes (embedding with `embedders` and
    /// reranking with `rerankers`, by tier), runs `body` with them, and stops them.
    package static func run<T: Sendable>(
        _ workload: Workload, embedders: [String: Embedder], rerankers: [String: Reranker] = [:], clock: any RunClock,
        logger: Logger, _ body: @Sendable (RunToolServices) async throws -> T
    ) async throws -> T {
        var indexes: [String: RetrievalService] = [:]
        for (name, tool) in workload.tools.sorted(by: { $0.key < $1.key }) {
            guard case .retrieval(let retrieval) = tool.kind else { continue }
            guard let embedder = embedders[retrieval.tier] else {
                throw ToolServiceError.retrievalFailed(tool: name, reason: "tier \(retrieval.tier) has no embeddings backend")
            }
            let index = try await RetrievalIndex.build(name, retrieval) { inputs in
                await embedder.backend.embed(
                    EmbeddingCall(model: embedder.model, inputs: inputs), deadline: clock.deadline(after: .seconds(300)))
            }
            var reranker: Reranker?
            if let tier = retrieval.rerankTier {
                guard let found = rerankers[tier] else {
                    throw ToolServiceError.retrievalFailed(tool: name, reason: "tier \(tier) has no rerank backend")
                }
                reranker = found
            }
            logger.info("retrieval tool \(name): \(index.chunks.count) chunks from \(retrieval.corpus)")
            indexes[name] = RetrievalService(
                index: index, embedder: embedder, reranker: reranker, topK: retrieval.topK, candidates: retrieval.candidates)
        }
        let retrieval = indexes
        return try await MCPServers.run(workload.mcpServers, logger: logger) { mcp in
            try await body(RunToolServices(mcp: mcp, retrieval: retrieval))
        }
    }

    package func callMCP(server: String, tool: String, arguments: JSONValue) async throws -> (text: String, isError: Bool) {
        try await mcp.call(server: server, tool: tool, arguments: arguments)
    }

    package func mcpTool(server: String, tool: String) -> (description: String?, parameters: JSONValue)? {
        mcp.tools(of: server)[tool].map { ($0.description, $0.inputSchema) }
    }

    package func retrieve(
        tool name: String, query: String, deadline: Int64
    ) async throws -> (
        text: String, calls: [ToolModelCall]
    ) {
        guard let service = retrieval[name] else {
            throw ToolServiceError.retrievalFailed(tool: name, reason: "no index")
        }
        let embedder = service.embedder
        let embedded = await embedder.backend.embed(EmbeddingCall(model: embedder.model, inputs: [query]), deadline: deadline)
        var calls = [
            ToolModelCall(
                operation: .embeddings, model: embedder.model, provider: embedder.backend.providerName, result: embedded)
        ]
        guard embedded.errorType == nil, let vector = embedded.embeddings.first else { return ("", calls) }
        guard let reranker = service.reranker else {
            return (RetrievalIndex.render(service.index.nearest(vector, count: service.topK).map(\.chunk)), calls)
        }
        let candidates = service.index.nearest(vector, count: service.candidates).map(\.chunk)
        let reranked = await reranker.backend.rerank(
            RerankCall(model: reranker.model, query: query, documents: candidates.map(\.text)), deadline: deadline)
        calls.append(
            ToolModelCall(operation: .rerank, model: reranker.model, provider: reranker.backend.providerName, result: reranked))
        guard reranked.errorType == nil else { return ("", calls) }
        let order = reranked.ranking.filter { candidates.indices.contains($0) }
        return (RetrievalIndex.render(order.prefix(service.topK).map { candidates[$0] }), calls)
    }
}
