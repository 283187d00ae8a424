import Foundation
package import Logging
import MCP
import Subprocess
import Synchronization
import SystemPackage
import Tools
package import WireFormats
package import Workload

/// The workload's MCP servers, each started once per run over stdio and shared by every attempt
/// (MCP multiplexes concurrent calls on one connection by request id).
///
/// `run` starts them all, lists their tools, runs its body, and stops them when the body ends;
/// a server that does not start, or does not answer `initialize` within the start timeout, stops
/// the run before any attempt with an error naming it and the end of what it wrote to stderr.
package struct MCPServers: Sendable {
    /// A tool a server offers: what the model sees when the workload does not override it.
    package struct ToolInfo: Sendable, Hashable {
        package var description: String?
        package var inputSchema: JSONValue
    }

    struct Connection: Sendable {
        let client: Client
        let tools: [String: ToolInfo]
    }

    private let connections: [String: Connection]

    /// Starts `specs`, runs `body` with them, and stops them.
    package static func run<T: Sendable>(
        _ specs: [String: MCPServerSpec], logger: Logger, startTimeout: Duration = .seconds(30),
        _ body: @Sendable (MCPServers) async throws -> T
    ) async throws -> T {
        if specs.isEmpty { return try await body(MCPServers(connections: [:])) }
        BrokenPipes.ignore()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            var connections: [String: Connection] = [:]
            for (name, spec) in specs.sorted(by: { $0.key < $1.key }) {
                let (ready, continuation) = AsyncStream.makeStream(of: Result<Connection, ToolServiceError>.self)
                group.addTask {
                    await serve(name, spec, logger: logger, startTimeout: startTimeout, ready: continuation)
                }
                var outcome: Result<Connection, ToolServiceError>?
                for await result in ready {
                    outcome = result
                    break
                }
                switch outcome {
                case .success(let connection)?: connections[name] = connection
                case .failure(let error)?: throw error
                case nil: throw ToolServiceError.mcpStartFailed(server: name, reason: "it stopped before it was ready")
                }
            }
            let result = try await body(MCPServers(connections: connections))
            group.cancelAll()
            return result
        }
    }

    /// The tools server `server` offers.
    package func tools(of server: String) -> [String: ToolInfo] { connections[server]?.tools ?? [:] }

    /// Calls `tool` on `server`; the text of its content, and whether the server flagged an error.
    package func call(server: String, tool: String, arguments: JSONValue) async throws -> (text: String, isError: Bool) {
        guard let connection = connections[server] else {
            throw ToolServiceError.mcpCallFailed(server: server, reason: "no such server")
        }
        let mcpArguments: [String: Value]
        do {
            mcpArguments = try JSONDecoder().decode([String: Value].self, from: Data(arguments.jsonText.utf8))
        } catch {
            throw ToolServiceError.mcpCallFailed(server: server, reason: "arguments are not a JSON object")
        }
        let (content, isError) = try await connection.client.callTool(name: tool, arguments: mcpArguments)
        let text = content.map { item -> String in
            switch item {
            case .text(let text, _, _): text
            case .image(_, let mimeType, _, _): "[image: \(mimeType)]"
            case .audio(_, let mimeType, _, _): "[audio: \(mimeType)]"
            case .resource(let resource, _, _): resource.text ?? "[resource: \(resource.uri)]"
            case .resourceLink(let uri, let name, _, _, _, _): "[resource link: \(name) \(uri)]"
            }
        }.joined(separator: "\n")
        return (text, isError ?? false)
    }

    // MARK: One server

    /// Runs one server until the run ends (cancellation) or the server exits; reports readiness
    /// (or why it failed) on `ready` first.
    private static func serve(
        _ name: String, _ spec: MCPServerSpec, logger: Logger, startTimeout: Duration,
        ready: AsyncStream<Result<Connection, ToolServiceError>>.Continuation
    ) async {
        let stderr = StderrTail()
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in spec.environment {
            guard let key = Environment.Key(rawValue: key) else { continue }
            // `$NAME` is read from AgentPerf's environment, so secrets stay out of the workload.
            overrides[key] = value.hasPrefix("$") ? ProcessInfo.processInfo.environment[String(value.dropFirst())] : value
        }
        var isReady = false
        var failure: String?
        do {
            _ = try await Subprocess.run(
                .name(spec.command[0]), arguments: Arguments(Array(spec.command.dropFirst())),
                environment: .inherit.updating(overrides), workingDirectory: spec.directory.map { FilePath($0) },
                input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                let transport = PipeTransport(writer: execution.standardInputWriter, logger: logger)
                let client = Client(name: "agentperf", version: "0.1.0")
                let (closed, outputClosed) = AsyncStream.makeStream(of: Never.self)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { outputClosed.finish() }
                        try await transport.pump(execution.standardOutput)
                    }
                    group.addTask { try await stderr.collect(execution.standardError) }
                    // Ends (throwing) when the run is over, whether or not the pipes notice.
                    group.addTask { try await Task.sleep(for: .seconds(365 * 86_400)) }
                    // The SDK's client reads in a task of its own that only `disconnect` stops, and
                    // closing our standard input is what tells the server to exit: disconnect on
                    // every way out.
                    let tools: [String: ToolInfo]
                    do {
                        tools = try await firstOf(timeout: startTimeout, orEndOf: closed, abandon: { await client.disconnect() })
                        {
                            try await client.connect(transport: transport)
                            return try await listTools(client)
                        }
                    } catch {
                        await client.disconnect()
                        group.cancelAll()
                        throw error
                    }
                    isReady = true
                    ready.yield(.success(Connection(client, tools: tools)))
                    ready.finish()
                    // Serve until the run is over or the server closes its output.
                    _ = try? await group.next()
                    await client.disconnect()
                    group.cancelAll()
                }
            }
        } catch {
            if !isReady {
                failure = error is StartTimeout ? "it did not answer initialize within \(startTimeout)" : "\(error)"
            }
        }
        if !isReady {
            let tail = await stderr.text
            let reason = failure ?? "it exited before it was ready"
            ready.yield(.failure(.mcpStartFailed(server: name, reason: tail.isEmpty ? reason : "\(reason); it wrote: \(tail)")))
        }
        ready.finish()
    }

    private static func listTools(_ client: Client) async throws -> [String: ToolInfo] {
        var tools: [String: ToolInfo] = [:]
        var cursor: String?
        repeat {
            let page = try await client.listTools(cursor: cursor)
            for tool in page.tools {
                let schema = (try? JSONEncoder().encode(tool.inputSchema)).flatMap {
                    JSONValue(parsing: String(decoding: $0, as: UTF8.self))
                }
                tools[tool.name] = ToolInfo(description: tool.description, inputSchema: schema ?? ["type": "object"])
            }
            cursor = page.nextCursor
        } while cursor != nil
        return tools
    }
}

extension MCPServers.Connection {
    init(_ client: Client, tools: [String: MCPServers.ToolInfo]) {
        self.client = client
        self.tools = tools
    }
}

struct StartTimeout: Error {}

struct OutputClosed: Error, CustomStringConvertible {
    var description: String { "it closed its output (exited?) before answering initialize" }
}

/// Runs `body`, failing with `StartTimeout` after `limit` or `OutputClosed` when `closed` ends.
/// `body` may wait on something that ignores cancellation (the SDK's pending requests), so the
/// losing side calls `abandon` to make it return, and the reason is kept to report.
func firstOf<T: Sendable>(
    timeout limit: Duration, orEndOf closed: AsyncStream<Never>, abandon: @escaping @Sendable () async -> Void,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let reason = FirstReason()
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            reason.set(StartTimeout())
            await abandon()
            return nil
        }
        group.addTask {
            for await _ in closed {}
            try Task.checkCancellation()
            reason.set(OutputClosed())
            await abandon()
            return nil
        }
        defer { group.cancelAll() }
        do {
            while let first = try await group.next() {
                if let value = first { return value }
                if let why = reason.value { throw why }
            }
        } catch {
            throw reason.value ?? error
        }
        throw reason.value ?? StartTimeout()
    }
}

/// The first reason given, kept across tasks.
final class FirstReason: Sendable {
    private let reason = Mutex<(any Error)?>(nil)
    var value: (any Error)? { reason.withLock { $0 } }
    func set(_ error: any Error) { reason.withLock { $0 = $0 ?? error } }
}

/// The last 2 KiB a server wrote to stderr, for error messages.
actor StderrTail {
    private var bytes: [UInt8] = []
    static let limit = 2048

    var text: String { String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }

    func append(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
        if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
    }

    nonisolated func collect(_ output: SubprocessOutputSequence) async throws {
        for try await buffer in output {
            let chunk = buffer.withUnsafeBytes { Array($0) }
            await append(chunk)
        }
    }
}

/// Why a run's tool services could not start or answer.
package enum ToolServiceError: Error, CustomStringConvertible, Sendable {
    case mcpStartFailed(server: String, reason: String)
    case mcpCallFailed(server: String, reason: String)
    case retrievalFailed(tool: String, reason: String)

    package var description: String {
        switch self {
        case .mcpStartFailed(let server, let reason): "MCP server \"\(server)\" did not start: \(reason)"
        case .mcpCallFailed(let server, let reason): "MCP server \"\(server)\": \(reason)"
        case .retrievalFailed(let tool, let reason): "retrieval tool \"\(tool)\": \(reason)"
        }
    }
}
