package import Foundation
package import Traces

/// tau-bench and tau2-bench results.
///
/// tau2-bench (`Results`: `info`, `tasks`, `simulations`): one attempt per simulation (task and
/// trial), passed when `reward_info.reward` is 1; a model step per assistant message with its
/// LiteLLM `usage` and `cost`; a tool step per tool call, timed from the calling message to the
/// tool message that answers it; user-simulator messages counted as user turns.
/// tau-bench (a list of `{task_id, reward, info, traj, trial}`): the same without per-message
/// usage or times, which are therefore unavailable.
/// Traps: naive timestamps are UTC; `usage.prompt_tokens` includes cached tokens (LiteLLM);
/// the per-message `cost` is kept as each step's reported cost.
package enum TauBenchImporter {
    package static let format = "tau-bench"

    package static func sniffTau2(_ head: String) -> Bool { head.contains("\"simulations\"") }
    package static func sniffTau1(_ head: String) -> Bool {
        head.hasPrefix("[") && head.contains("\"task_id\"") && head.contains("\"reward\"") && head.contains("\"traj\"")
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        let data = try ImportError.readWhole(url)
        let runID = importedRunID(path: url.path)
        if let results = try? JSONDecoder().decode(Tau2Results.self, from: data) {
            try readTau2(results, runID: runID, path: url.path, into: &sink)
            return
        }
        do {
            let runs = try JSONDecoder().decode([Tau1Run].self, from: data)
            var run = RunRecord(
                runID: runID, startedAt: nil, agentperfVersion: "import", workload: "tau-bench: \(url.lastPathComponent)")
            run.notRecorded = [.tokens]
            try sink.begin(run)
            for run in runs { try emitTau1(run, runID: runID, into: &sink) }
        } catch {
            throw ImportError.notFormat(
                path: url.path, format: "tau-bench results", reason: ImportError.describe(error, in: data))
        }
    }

    static func readTau2(_ results: Tau2Results, runID: String, path: String, into sink: inout some TraceSink) throws {
        let times = results.simulations.flatMap {
            $0.messages.compactMap { $0.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) } }
        }
        let origin = times.min() ?? 0
        try sink.begin(
            RunRecord(
                runID: runID, startedAt: Date(timeIntervalSince1970: Double(origin) / 1e9), agentperfVersion: "import",
                workload:
                    "tau2-bench: \(results.info?.environmentInfo?.domainName ?? URL(fileURLWithPath: path).lastPathComponent)"))
        let model = results.info?.agentInfo?.llm
        for simulation in results.simulations {
            let attemptID = "\(simulation.taskID)#\(simulation.trial ?? 0)#\(simulation.id)"
            var steps: [StepRecord] = []
            var previous: Int64?
            var openCalls: [String: (index: Int, name: String, start: Int64?)] = [:]
            var userTurns = 0
            var stepTimes: [Int64] = []
            for message in simulation.messages {
                let at = message.timestamp.flatMap { WallClock.nanoseconds(iso8601: $0) }.map { $0 - origin }
                defer { if let at { previous = at; stepTimes.append(at) } }
                switch message.role {
                case "assistant":
                    let sent =
                        message.generationTimeSeconds.flatMap { seconds in at.map { $0 - Int64(seconds * 1e9) } } ?? previous
                    let firstTool = message.toolCalls?.first?.name
                    steps.append(
                        StepRecord(
                            runID: runID, attemptID: attemptID, stepID: "s\(steps.count)", agentName: "tau2-agent",
                            index: steps.count,
                            operation: .chat, useClass: firstTool.map { UseClassification.forTool(named: $0) } ?? .act,
                            model: model,
                            usage: message.usage?.tokenUsage, timing: StepTiming(scheduled: sent, sent: sent, end: at),
                            reportedCost: message.cost, outputHash: message.outputHash))
                    for call in message.toolCalls ?? [] where call.requestor != "user" {
                        openCalls[call.id] = (steps.count, call.name, at)
                        steps.append(
                            StepRecord(
                                runID: runID, attemptID: attemptID, stepID: "s\(steps.count)", agentName: "tau2-agent",
                                index: steps.count, operation: .executeTool,
                                useClass: UseClassification.forTool(named: call.name),
                                toolName: call.name, timing: StepTiming(scheduled: at, sent: at)))
                    }
                case "tool":
                    if let id = message.id, let call = openCalls.removeValue(forKey: id) {
                        steps[call.index].timing.end = at
                        steps[call.index].observationHash = message.content.map { ContentHash.of($0) }
                        if message.error == true { steps[call.index].errorType = StepErrorType.toolFailed }
                    }
                case "user":
                    userTurns += 1
                default:
                    break
                }
            }
            for step in steps { try sink.step(step) }
            let reward = simulation.rewardInfo?.reward
            try sink.attempt(
                AttemptRecord(
                    runID: runID, attemptID: attemptID, task: simulation.taskID, agentName: "tau2-agent",
                    outcome: reward.map { $0 >= 1 ? .passed : .failed } ?? .ungraded, score: reward,
                    graderAxes: reward.map { ["reward": $0] } ?? [:], scheduled: stepTimes.min(), end: stepTimes.max(),
                    stepCount: steps.count, reportedCost: simulation.agentCost, userTurns: max(0, userTurns - 1)))
        }
    }

    static func emitTau1(_ run: Tau1Run, runID: String, into sink: inout some TraceSink) throws {
        let attemptID = "\(run.taskID)#\(run.trial ?? 0)"
        var steps: [StepRecord] = []
        var userTurns = 0
        // Tool steps still waiting for their `tool` message: by call id, and in call order for
        // results that name no call.
        var pending: [(index: Int, callID: String?)] = []
        for message in run.traj {
            switch message.role {
            case "assistant":
                steps.append(
                    StepRecord(
                        runID: runID, attemptID: attemptID, stepID: "s\(steps.count)", agentName: "tau-agent", index: steps.count,
                        operation: .chat, useClass: .act, outputHash: message.outputHash))
                for call in message.toolCalls ?? [] {
                    pending.append((steps.count, call.id))
                    steps.append(
                        StepRecord(
                            runID: runID, attemptID: attemptID, stepID: "s\(steps.count)", agentName: "tau-agent",
                            index: steps.count, operation: .executeTool,
                            useClass: UseClassification.forTool(named: call.function.name),
                            toolName: call.function.name))
                }
            case "user":
                userTurns += 1
            case "tool":
                // The result came back: a next-state signal, as every importer records it.
                // By call id; in call order only for results that name no call.
                let match =
                    message.toolCallID.map { id in pending.firstIndex { $0.callID == id } }
                    ?? pending.indices.first
                if let match {
                    steps[pending[match].index].observationHash = ContentHash.of(message.content ?? "")
                    pending.remove(at: match)
                }
            default:
                break
            }
        }
        for step in steps { try sink.step(step) }
        try sink.attempt(
            AttemptRecord(
                runID: runID, attemptID: attemptID, task: "\(run.taskID)", agentName: "tau-agent",
                outcome: run.reward >= 1 ? .passed : .failed, score: run.reward, graderAxes: ["reward": run.reward],
                scheduled: nil, end: nil, stepCount: steps.count, reportedCost: run.info?.totalCost,
                userTurns: max(0, userTurns - 1)))
    }

    // MARK: Wire types

    struct Tau2Results: Decodable {
        var info: Info?
        var simulations: [Simulation]
    }

    struct Info: Decodable {
        var agentInfo: AgentInfo?
        var environmentInfo: EnvironmentInfo?
        enum CodingKeys: String, CodingKey { case agentInfo = "agent_info", environmentInfo = "environment_info" }
    }

    struct AgentInfo: Decodable { var llm: String? }
    struct EnvironmentInfo: Decodable {
        var domainName: String?
        enum CodingKeys: String, CodingKey { case domainName = "domain_name" }
    }

    struct Simulation: Decodable {
        var id: String
        var taskID: String
        var trial: Int?
        var agentCost: Double?
        var rewardInfo: RewardInfo?
        var messages: [WithOutputHash<Message>]
        enum CodingKeys: String, CodingKey {
            case id, taskID = "task_id", trial, agentCost = "agent_cost", rewardInfo = "reward_info", messages
        }
    }

    struct RewardInfo: Decodable { var reward: Double }

    struct Message: Decodable {
        var role: String
        var id: String?
        var content: String?
        var toolCalls: [ToolCall]?
        var timestamp: String?
        var cost: Double?
        var usage: LiteLLMUsage?
        var error: Bool?
        var generationTimeSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case role, id, content, toolCalls = "tool_calls", timestamp, cost, usage, error
            case generationTimeSeconds = "generation_time_seconds"
        }
    }

    struct ToolCall: Decodable {
        var id: String
        var name: String
        var requestor: String?
    }

    struct Tau1Run: Decodable {
        var taskID: FlexibleID
        var reward: Double
        var trial: Int?
        var traj: [WithOutputHash<Tau1Message>]
        var info: Tau1Info?
        enum CodingKeys: String, CodingKey { case taskID = "task_id", reward, trial, traj, info }
    }

    struct Tau1Info: Decodable {
        var totalCost: Double?
        enum CodingKeys: String, CodingKey { case totalCost = "total_cost" }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            totalCost = try? c.decodeIfPresent(Double.self, forKey: .totalCost)
        }
    }

    struct Tau1Message: Decodable {
        var role: String
        var toolCalls: [Tau1ToolCall]?
        /// A `tool` message's result, and which call it answers.
        var content: String?
        var toolCallID: String?
        enum CodingKeys: String, CodingKey { case role, toolCalls = "tool_calls", content, toolCallID = "tool_call_id" }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(String.self, forKey: .role)
            toolCalls = try c.decodeIfPresent([Tau1ToolCall].self, forKey: .toolCalls)
            content = try? c.decodeIfPresent(String.self, forKey: .content)
            toolCallID = try? c.decodeIfPresent(String.self, forKey: .toolCallID)
        }
    }

    struct Tau1ToolCall: Decodable {
        var id: String?
        var function: Function
        struct Function: Decodable { var name: String }
    }
}
