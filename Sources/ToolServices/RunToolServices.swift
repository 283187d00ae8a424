public import Backends
import Foundation
public import Logging
public import Tools
public import WireFormats
public import Workload

/// An embeddings model a retrieval tool uses: the tier's model on its backend.
public struct Embedder: Sendable {
    public var model: String
    public var backend: any EmbeddingBackend

    public init(model: String, backend: any EmbeddingBackend) {
        self.model = model
        self.backend = backend
    }
}

/// The tools that live for a whole run: MCP servers and retrieval indexes. `run` sets them up
/// before any attempt (a failure stops the run with an error naming the server or tool) and
/// stops them after the last.
public struct RunToolServices: ExternalTools {
    private let mcp: MCPServers
    private let retrieval: [String: (index: RetrievalIndex, embedder: Embedder)]

    /// Sets up `workload`'s MCP servers and retrieval indexes (embedding with `embedders`, by
    /// tier), runs `body` with them, and stops them.
    public static func run<T: Sendable>(
        _ workload: Workload, embedders: [String: Embedder], logger: Logger,
        _ body: @Sendable (RunToolServices) async throws -> T
    ) async throws -> T {
        var indexes: [String: (RetrievalIndex, Embedder)] = [:]
        for (name, tool) in workload.tools.sorted(by: { $0.key < $1.key }) {
            guard case .retrieval(let retrieval) = tool.kind else { continue }
            guard let embedder = embedders[retrieval.tier] else {
                throw ToolServiceError.retrievalFailed(tool: name, reason: "tier \(retrieval.tier) has no embeddings backend")
            }
            let index = try await RetrievalIndex.build(name, retrieval) { inputs in
                await embedder.backend.embed(EmbeddingCall(model: embedder.model, inputs: inputs), deadline: .now + .seconds(300))
            }
            logger.info("retrieval tool \(name): \(index.chunks.count) chunks from \(retrieval.corpus)")
            indexes[name] = (index, embedder)
        }
        let retrieval = indexes
        return try await MCPServers.run(workload.mcpServers, logger: logger) { mcp in
            try await body(RunToolServices(mcp: mcp, retrieval: retrieval))
        }
    }

    public func callMCP(server: String, tool: String, arguments: JSONValue) async throws -> (text: String, isError: Bool) {
        try await mcp.call(server: server, tool: tool, arguments: arguments)
    }

    public func mcpTool(server: String, tool: String) -> (description: String?, parameters: JSONValue)? {
        mcp.tools(of: server)[tool].map { ($0.description, $0.inputSchema) }
    }

    public func retrieve(
        tool name: String, query: String, deadline: ContinuousClock.Instant
    ) async throws -> (
        text: String, embedding: ToolModelCall
    ) {
        guard let (index, embedder) = retrieval[name] else {
            throw ToolServiceError.retrievalFailed(tool: name, reason: "no index")
        }
        let result = await embedder.backend.embed(EmbeddingCall(model: embedder.model, inputs: [query]), deadline: deadline)
        let call = ToolModelCall(model: embedder.model, provider: embedder.backend.providerName, result: result)
        guard result.errorType == nil, let vector = result.embeddings.first else { return ("", call) }
        return (index.answer(to: vector), call)
    }
}
