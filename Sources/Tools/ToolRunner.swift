package import AsyncHTTPClient
package import Backends
package import Foundation
import NIOCore
import NIOHTTP1
package import Sampling
import SpecDecoding
import Subprocess
import SystemPackage
package import Timekeeping
package import Traces
package import WireFormats
package import Workload

/// What a tool call produced.
package struct ToolResult: Sendable, Hashable {
    /// Text handed back to the agent.
    package var output: String
    /// `sent` (start) and `end` on the run clock.
    package var timing: StepTiming
    package var errorType: StepErrorType?
    /// Exit status of a command tool, HTTP status of an HTTP tool.
    package var exitStatus: Int32?
    /// The model calls the tool made, in order (a retrieval tool embeds its query, then may
    /// rerank the candidates).
    package var modelCalls: [ToolModelCall]

    package init(
        output: String, timing: StepTiming, errorType: StepErrorType? = nil, exitStatus: Int32? = nil,
        modelCalls: [ToolModelCall] = []
    ) {
        self.output = output
        self.timing = timing
        self.errorType = errorType
        self.exitStatus = exitStatus
        self.modelCalls = modelCalls
    }
}

/// A model call made inside a tool call; the agent loop records it as a step of its own, so its
/// tokens and time count.
package struct ToolModelCall: Sendable, Hashable {
    /// `embeddings` or `rerank`.
    package var operation: OperationName
    package var model: String
    package var provider: String?
    package var result: ModelCallResult

    package init(operation: OperationName, model: String, provider: String?, result: ModelCallResult) {
        self.operation = operation
        self.model = model
        self.provider = provider
        self.result = result
    }
}

/// Tools that live outside the runner: MCP servers and retrieval indexes, set up once per run.
package protocol ExternalTools: Sendable {
    /// Calls `tool` on MCP server `server`; the text of its result, and whether it is an error.
    func callMCP(server: String, tool: String, arguments: JSONValue) async throws -> (text: String, isError: Bool)
    /// What MCP server `server` says of its tool `tool` (for the model, unless the workload says).
    func mcpTool(server: String, tool: String) -> (description: String?, parameters: JSONValue)?
    /// The best chunks of the retrieval tool `name`'s corpus for `query`, and the model calls
    /// that found them (the query's embedding, then a rerank if the tool has one).
    func retrieve(
        tool name: String, query: String, deadline: Int64
    ) async throws -> (
        text: String, calls: [ToolModelCall]
    )
}

/// Runs the tools a workload defines.
///
/// Simulated tools wait a latency drawn from their distribution and return a result of the
/// drawn size. Command tools run argv directly (never through a shell, so nothing a model
/// produces can be interpreted as shell syntax) in the attempt's working directory, with a
/// timeout and a cap on the output kept; a model's arguments only ever fill `{name}`
/// placeholders inside single argv elements or go to standard input as JSON. A non-zero exit
/// is a result the agent sees, not an error; failing to start or running past the timeout is an
/// error. HTTP tools send one request; MCP and retrieval tools go to `external`.
package struct ToolRunner: Sendable {
    /// Output kept from a command or an HTTP response, in bytes; the rest is read and dropped.
    package static let outputCap = 64 * 1024

    package let tools: [String: ToolSpec]
    private let clock: any RunClock
    private let http: HTTPClient?
    private let external: (any ExternalTools)?

    package init(tools: [String: ToolSpec], clock: any RunClock, http: HTTPClient? = nil, external: (any ExternalTools)? = nil) {
        self.tools = tools
        self.clock = clock
        self.http = http
        self.external = external
    }

    /// Calls tool `name` with `arguments` (a JSON object; empty for scripted steps). Draws
    /// (latency, result size, failure) come from `generator`.
    package func call(
        _ name: String, arguments: JSONValue = [:], workingDirectory: URL?,
        deadline: Int64 = .max,
        generator: inout SeededGenerator
    ) async -> ToolResult {
        let sent = clock.now()
        guard let spec = tools[name] else {
            return ToolResult(
                output: "unknown tool \(name)", timing: StepTiming(sent: sent, end: sent), errorType: StepErrorType.unknownTool)
        }
        let fails = spec.failureRate > 0 && generator.nextUnit() < spec.failureRate
        var result: ToolResult
        switch spec.kind {
        case .simulated(let latency, let resultTokens):
            let wait = latency.sample(using: &generator)
            let output = SyntheticText.words(resultTokens.sample(using: &generator), using: &generator)
            do {
                try await clock.sleep(for: wait)
                result = ToolResult(output: output, timing: StepTiming())
            } catch {
                result = ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled)
            }
        case .command(let command):
            do {
                let argv = try command.argv.map { try Self.fill($0, from: arguments, encode: { $0 }) }
                let input = command.argumentsOnStdin ? arguments.jsonText : nil
                result = await Self.runCommand(argv, input: input, in: workingDirectory, timeout: command.timeout.duration)
            } catch {
                result = ToolResult(output: "\(error)", timing: StepTiming(), errorType: StepErrorType.invalidToolArguments)
            }
        case .http(let tool):
            result = await callHTTP(tool, arguments: arguments, deadline: deadline)
        case .mcp(let server, let tool):
            result = await callExternal { external in
                let (text, isError) = try await external.callMCP(server: server, tool: tool ?? name, arguments: arguments)
                return ToolResult(output: text, timing: StepTiming(), errorType: isError ? StepErrorType.toolFailed : nil)
            }
        case .retrieval:
            guard let query = arguments["query"]?.stringValue else {
                result = ToolResult(
                    output: "expected a string argument \"query\"", timing: StepTiming(),
                    errorType: StepErrorType.invalidToolArguments)
                break
            }
            result = await callExternal { external in
                let (text, calls) = try await external.retrieve(tool: name, query: query, deadline: deadline)
                if let failed = calls.first(where: { $0.result.errorType != nil }) {
                    return ToolResult(
                        output: "\(failed.model) failed: \(failed.result.errorType?.rawValue ?? "an error")",
                        timing: StepTiming(),
                        errorType: StepErrorType.toolFailed, modelCalls: calls)
                }
                return ToolResult(output: text, timing: StepTiming(), modelCalls: calls)
            }
        case .agent:
            result = ToolResult(
                output: "a sub-agent is run by the agent loop", timing: StepTiming(), errorType: StepErrorType.toolFailed)
        }
        result.timing.sent = sent
        result.timing.end = clock.now()
        if fails, result.errorType == nil { result.errorType = StepErrorType.toolFailed }
        return result
    }

    /// A tool's description and parameter schema for the model: the workload's; for an MCP tool
    /// what its server lists where the workload says nothing; for a retrieval tool a `query`
    /// string; else an empty object.
    package func definition(of name: String) -> (description: String?, parameters: JSONValue)? {
        guard let spec = tools[name] else { return nil }
        var description = spec.description
        var parameters = spec.parameters
        switch spec.kind {
        case .mcp(let server, let tool):
            if let listed = external?.mcpTool(server: server, tool: tool ?? name) {
                description = description ?? listed.description
                parameters = parameters ?? listed.parameters
            }
        case .retrieval:
            description = description ?? "Searches the document collection; returns the most relevant passages."
            parameters =
                parameters ?? [
                    "type": "object", "properties": ["query": ["type": "string", "description": "What to look for."]],
                    "required": ["query"],
                ]
        default: break
        }
        return (description, parameters ?? ["type": "object", "properties": [:]])
    }

    // MARK: Arguments

    struct MissingArgument: Error, CustomStringConvertible {
        var name: String
        var description: String { "missing argument \"\(name)\"" }
    }

    /// Replaces each `{name}` in `template` with argument `name` (strings as they are, other
    /// values as JSON), passed through `encode`.
    static func fill(_ template: String, from arguments: JSONValue, encode: (String) -> String) throws -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                output += rest[open...close]
                rest = rest[rest.index(after: close)...]
                continue
            }
            guard let value = arguments[name] else { throw MissingArgument(name: name) }
            output += encode(value.stringValue ?? value.jsonText)
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    // MARK: HTTP and external tools

    private func callHTTP(_ tool: HTTPTool, arguments: JSONValue, deadline: Int64) async -> ToolResult {
        guard let http else {
            return ToolResult(output: "no HTTP client", timing: StepTiming(), errorType: StepErrorType.toolFailed)
        }
        let url: String
        do {
            url = try Self.fill(tool.url, from: arguments) {
                $0.addingPercentEncoding(
                    withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#/"))) ?? $0
            }
        } catch {
            return ToolResult(output: "\(error)", timing: StepTiming(), errorType: StepErrorType.invalidToolArguments)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: tool.method)
        for (name, value) in tool.headers { request.headers.add(name: name, value: value) }
        if tool.method != "GET", tool.method != "DELETE" {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: arguments.jsonText))
        }
        let until = min(deadline, clock.deadline(after: tool.timeout.duration))
        do {
            let remaining = clock.remaining(until: until)
            let response = try await http.execute(request, deadline: .now() + .nanoseconds(max(0, remaining.nanoseconds)))
            var kept = ByteBuffer()
            for try await part in response.body where kept.readableBytes < Self.outputCap {
                var part = part
                kept.writeBuffer(&part)
            }
            let text = String(decoding: kept.readableBytesView.prefix(Self.outputCap), as: UTF8.self)
            let status = Int32(response.status.code)
            // A 4xx or 5xx is something the agent sees and may act on, like a failing command.
            return ToolResult(output: status < 400 ? text : "HTTP \(status): \(text)", timing: StepTiming(), exitStatus: status)
        } catch {
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded
            return ToolResult(
                output: "\(error)", timing: StepTiming(), errorType: timedOut ? StepErrorType.timeout : StepErrorType.toolFailed)
        }
    }

    private func callExternal(_ body: (any ExternalTools) async throws -> ToolResult) async -> ToolResult {
        guard let external else {
            return ToolResult(
                output: "MCP servers and retrieval indexes are not set up", timing: StepTiming(),
                errorType: StepErrorType.toolFailed)
        }
        do {
            return try await body(external)
        } catch {
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            return ToolResult(output: "\(error)", timing: StepTiming(), errorType: StepErrorType.toolFailed)
        }
    }

    // MARK: Commands

    private enum Race: Sendable {
        case finished(ToolResult)
        case timedOut
    }

    /// Runs `argv` (output capped, stderr merged) with an optional standard input, stopping it at
    /// `timeout`.
    package static func runCommand(
        _ argv: [String], input: String? = nil, in directory: URL?, timeout: Duration
    ) async -> ToolResult {
        BrokenPipes.ignore()
        let outcome = await withTaskGroup(of: Race.self) { group in
            group.addTask { .finished(await execute(argv, input: input, in: directory)) }
            group.addTask {
                // A real process runs in real time whatever the run's clock: a virtual clock
                // would jump past this timeout while the process is still working.
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next()!
            group.cancelAll()  // a cancelled Subprocess run terminates its child
            return first
        }
        switch outcome {
        case .finished(let result): return result
        case .timedOut: return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.timeout)
        }
    }

    private static func execute(_ argv: [String], input: String?, in directory: URL?) async -> ToolResult {
        do {
            let result = try await run(
                .name(argv[0]), arguments: Arguments(Array(argv.dropFirst())),
                workingDirectory: directory.map { FilePath($0.path) },
                input: .string(input ?? ""), output: .sequence, error: .combinedWithOutput
            ) { execution in
                var kept: [UInt8] = []
                for try await buffer in execution.standardOutput {
                    guard kept.count < outputCap else { continue }  // keep draining so the child never blocks
                    buffer.withUnsafeBytes { kept.append(contentsOf: $0.prefix(outputCap - kept.count)) }
                }
                return String(decoding: kept, as: UTF8.self)
            }
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            let status: Int32
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + signal
            }
            return ToolResult(output: result.closureResult, timing: StepTiming(), exitStatus: status)
        } catch {
            if Task.isCancelled { return ToolResult(output: "", timing: StepTiming(), errorType: StepErrorType.cancelled) }
            return ToolResult(
                output: "cannot run \(argv[0]): \(error)", timing: StepTiming(), errorType: StepErrorType.toolFailed)
        }
    }
}
