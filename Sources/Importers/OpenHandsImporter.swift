package import Foundation
package import Traces

/// OpenHands trajectories: a JSON list of events (actions and observations).
///
/// One attempt per file. A model step per unique `tool_call_metadata.model_response.id`, or per
/// agent action without one (its usage is then unknown); a tool step per action that an
/// observation answers (`cause`). Traps handled (docs/IMPORTERS.md):
/// - The same `model_response` is repeated on an action and on its observation, and on every
///   action of a parallel tool call: deduplicated by its id.
/// - LiteLLM's `usage.prompt_tokens` *includes* cache writes and reads
///   (`cache_creation_input_tokens`, `cache_read_input_tokens` for Anthropic models;
///   `prompt_tokens_details.cached_tokens` for OpenAI): uncached = prompt − read − write.
/// - Timestamps have no zone; they are read as UTC.
/// - `llm_metrics.accumulated_cost`, when present, is kept as the attempt's reported cost.
package enum OpenHandsImporter {
    package static let format = "openhands"

    /// OpenHands action types (openhands/core/schema/action.py) that act on nothing outside the
    /// agent: its model step is kept, no tool step is made. `delegate` is a sub-agent (an
    /// `invoke_agent` step); everything else (`run`, `edit`, `read`, `write`, `browse`, `mcp`, …)
    /// is a tool.
    static let nonToolActions: Set<String> = [
        "message", "finish", "reject", "think", "null", "pause", "resume", "stop", "change_agent_state", "recall",
        "condensation", "condensation_request", "system", "summarize", "start", "loop_recovery",
    ]

    package static func sniff(_ head: String) -> Bool {
        head.hasPrefix("[") && head.contains("\"source\"") && (head.contains("\"action\"") || head.contains("\"observation\""))
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        let data = try ImportError.readWhole(url)
        let events: [Event]
        do { events = try JSONDecoder().decode([Event].self, from: data) } catch {
            throw ImportError.notFormat(
                path: url.path, format: "OpenHands trajectory", reason: ImportError.describe(error, in: data))
        }
        let name = url.lastPathComponent
        let runID = importedRunID(path: url.path)
        let times = events.map { $0.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) } }
        let origin = times.compactMap { $0 }.min() ?? 0
        try sink.begin(
            RunRecord(
                runID: runID, startedAt: Date(timeIntervalSince1970: Double(origin) / 1e9), agentperfVersion: "import",
                workload: "\(format): \(name)"))
        func time(_ i: Int) -> Int64? { times[i].map { $0 - origin } }

        var steps: [StepRecord] = []
        var seenResponses: Set<String> = []
        var observationOf: [Int: Int] = [:]  // action event id → observation index
        for (i, event) in events.enumerated() where event.observation != nil {
            if let cause = event.cause { observationOf[cause] = i }
        }
        var previousTime: Int64?
        var userMessages = 0
        var task: String?
        var reportedCost: Double?
        for (i, event) in events.enumerated() {
            defer { if let t = time(i) { previousTime = t } }
            if let cost = event.llmMetrics?.accumulatedCost { reportedCost = cost }
            if event.source == "user", event.action == "message" {
                if task == nil { task = event.message } else { userMessages += 1 }
                continue
            }
            guard event.source == "agent", let action = event.action else { continue }
            let response = event.toolCallMetadata?.modelResponse
            if response?.id.map({ seenResponses.insert($0).inserted }) ?? true {
                let index = steps.count
                steps.append(
                    StepRecord(
                        runID: runID, attemptID: name, stepID: "s\(index)", agentName: "openhands", index: index,
                        operation: .chat, useClass: UseClassification.forTool(named: action), model: response?.model,
                        provider: "litellm", usage: response?.usage?.tokenUsage,
                        timing: StepTiming(scheduled: previousTime, sent: previousTime, end: time(i)),
                        outputHash: response?.choices?.first?.message?.hash))
            }
            // Only actions on the environment are tool steps: a message to the user, finishing,
            // thinking aloud or a state change are answered by no tool, whatever follows them.
            guard let observation = observationOf[event.id], !Self.nonToolActions.contains(action) else { continue }
            let index = steps.count
            let tool = event.toolCallMetadata?.functionName ?? action
            steps.append(
                StepRecord(
                    runID: runID, attemptID: name, stepID: "s\(index)", agentName: "openhands", index: index,
                    operation: action == "delegate" ? .invokeAgent : .executeTool,
                    useClass: UseClassification.forTool(named: action, command: event.args?.command), toolName: tool,
                    timing: StepTiming(scheduled: time(i), sent: time(i), end: time(observation)),
                    errorType: events[observation].observation == "error" ? StepErrorType.toolFailed : nil,
                    observationHash: events[observation].content.map { ContentHash.of($0) }))
        }
        for step in steps { try sink.step(step) }
        let eventTimes = (0..<events.count).compactMap(time)
        try sink.attempt(
            AttemptRecord(
                runID: runID, attemptID: name, task: task.map { String($0.prefix(80)) } ?? name, agentName: "openhands",
                outcome: .ungraded, scheduled: eventTimes.min(), end: eventTimes.max(), stepCount: steps.count,
                reportedCost: reportedCost, userTurns: userMessages))
    }

    // MARK: Wire types

    struct Event: Decodable {
        var id: Int
        var timestamp: String?
        var source: String?
        var action: String?
        var observation: String?
        var cause: Int?
        var message: String?
        var content: String?
        var args: Arguments?
        var toolCallMetadata: ToolCallMetadata?
        var llmMetrics: LLMMetrics?

        enum CodingKeys: String, CodingKey {
            case id, timestamp, source, action, observation, cause, message, content, args
            case toolCallMetadata = "tool_call_metadata", llmMetrics = "llm_metrics"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int.self, forKey: .id)
            timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
            source = try c.decodeIfPresent(String.self, forKey: .source)
            action = try c.decodeIfPresent(String.self, forKey: .action)
            observation = try c.decodeIfPresent(String.self, forKey: .observation)
            cause = try c.decodeIfPresent(Int.self, forKey: .cause)
            message = try? c.decodeIfPresent(String.self, forKey: .message)
            content = try? c.decodeIfPresent(String.self, forKey: .content)
            args = try? c.decodeIfPresent(Arguments.self, forKey: .args)
            toolCallMetadata = try c.decodeIfPresent(ToolCallMetadata.self, forKey: .toolCallMetadata)
            llmMetrics = try? c.decodeIfPresent(LLMMetrics.self, forKey: .llmMetrics)
        }
    }

    struct Arguments: Decodable { var command: String? }

    struct ToolCallMetadata: Decodable {
        var functionName: String?
        var modelResponse: ModelResponse?
        enum CodingKeys: String, CodingKey { case functionName = "function_name", modelResponse = "model_response" }
    }

    struct ModelResponse: Decodable {
        var id: String?
        var model: String?
        var usage: LiteLLMUsage?
        var choices: [Choice]?
        struct Choice: Decodable { var message: GeneratedMessage? }
    }

    struct LLMMetrics: Decodable {
        var accumulatedCost: Double?
        enum CodingKeys: String, CodingKey { case accumulatedCost = "accumulated_cost" }
    }
}

/// LiteLLM's usage object: `prompt_tokens` includes cached and cache-written tokens.
struct LiteLLMUsage: Decodable {
    var promptTokens: Int
    var completionTokens: Int
    @BoundedTokenCount var cacheCreationInputTokens: Int?
    @BoundedTokenCount var cacheReadInputTokens: Int?
    var promptTokensDetails: Details?
    var completionTokensDetails: CompletionDetails?

    struct Details: Decodable {
        @BoundedTokenCount var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }
    struct CompletionDetails: Decodable {
        @BoundedTokenCount var reasoningTokens: Int?
        enum CodingKeys: String, CodingKey { case reasoningTokens = "reasoning_tokens" }
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens", cacheReadInputTokens = "cache_read_input_tokens"
        case promptTokensDetails = "prompt_tokens_details", completionTokensDetails = "completion_tokens_details"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try c.decodeRequiredTokenCount(forKey: .promptTokens)
        completionTokens = try c.decodeRequiredTokenCount(forKey: .completionTokens)
        _cacheCreationInputTokens = try c.decode(BoundedTokenCount.self, forKey: .cacheCreationInputTokens)
        _cacheReadInputTokens = try c.decode(BoundedTokenCount.self, forKey: .cacheReadInputTokens)
        promptTokensDetails = try c.decodeIfPresent(Details.self, forKey: .promptTokensDetails)
        completionTokensDetails = try c.decodeIfPresent(CompletionDetails.self, forKey: .completionTokensDetails)
    }

    var tokenUsage: TokenUsage {
        let read = cacheReadInputTokens ?? promptTokensDetails?.cachedTokens ?? 0
        let write = cacheCreationInputTokens ?? 0
        return .inputIncludingCache(
            input: promptTokens, cacheRead: read, cacheWrite: write, output: completionTokens,
            reasoning: completionTokensDetails?.reasoningTokens ?? 0)
    }
}
