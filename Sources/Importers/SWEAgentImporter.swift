package import Foundation
package import Traces

/// SWE-agent trajectories (`<instance>.traj`).
///
/// One attempt per file: a model step per trajectory entry (the thought and action) and a tool
/// step for the command it ran. Traps handled (docs/IMPORTERS.md):
/// - Tokens exist only as totals (`info.model_stats.tokens_sent` / `tokens_received`, no cache
///   split, no per-call counts): they are kept on the attempt as unattributed usage, never spread
///   over steps. `instance_cost` is kept as the reported cost.
/// - The model is named by the run directory (`gpt4__<dataset>__…`) through SWE-agent's own
///   shortcuts (`gpt4` → `gpt-4-1106-preview`, `gpt4o` → `gpt-4o-2024-05-13`, `gpt35` →
///   `gpt-3.5-turbo-1106`), or by `info.model` / `replay_config` when present.
/// - Timestamps are absent; `execution_time` per entry (newer versions) gives tool time.
package enum SWEAgentImporter {
    package static let format = "swe-agent"

    /// SWE-agent's model shortcuts (sweagent/agent/models.py).
    static let shortcuts = ["gpt4": "gpt-4-1106-preview", "gpt4o": "gpt-4o-2024-05-13", "gpt35": "gpt-3.5-turbo-1106"]

    package static func sniff(_ head: String) -> Bool {
        head.contains("\"trajectory\"") && (head.contains("\"history\"") || head.contains("\"info\""))
    }

    package static func read(_ url: URL, into sink: inout some TraceSink) throws {
        let data = try ImportError.readWhole(url)
        let trajectory: Trajectory
        do { trajectory = try JSONDecoder().decode(Trajectory.self, from: data) } catch {
            throw ImportError.notFormat(
                path: url.path, format: "SWE-agent trajectory", reason: ImportError.describe(error, in: data))
        }
        let instance = url.deletingPathExtension().lastPathComponent
        let runID = importedRunID(path: url.path)
        let model = trajectory.info?.model ?? modelFromDirectory(url)
        var run = RunRecord(runID: runID, startedAt: nil, agentperfVersion: "import", workload: "\(format): \(instance)")
        run.notRecorded = [.cacheBuckets]
        try sink.begin(run)
        var index = 0
        for entry in trajectory.trajectory {
            try sink.step(
                StepRecord(
                    runID: runID, attemptID: instance, stepID: "s\(index)", agentName: "swe-agent", index: index,
                    operation: .chat,
                    useClass: UseClassification.forTool(named: command(entry.action), command: entry.action), model: model,
                    outputHash: (entry.response ?? entry.action).map { ContentHash.of($0) }))
            index += 1
            let name = command(entry.action)
            let timing = entry.executionTime.map { StepTiming(sent: 0, end: Int64($0 * 1e9)) } ?? StepTiming()
            try sink.step(
                StepRecord(
                    runID: runID, attemptID: instance, stepID: "s\(index)", agentName: "swe-agent", index: index,
                    operation: .executeTool, useClass: UseClassification.forTool(named: name, command: entry.action),
                    toolName: name,
                    timing: timing, observationHash: entry.observation.map { ContentHash.of($0) }))
            index += 1
        }
        let stats = trajectory.info?.modelStats
        try sink.attempt(
            AttemptRecord(
                runID: runID, attemptID: instance, task: instance, agentName: "swe-agent", outcome: .ungraded,
                scheduled: nil, end: nil, stepCount: index,
                unattributedUsage: stats.map { TokenUsage(uncachedInput: $0.tokensSent ?? 0, output: $0.tokensReceived ?? 0) },
                unattributedModel: model, reportedCost: stats?.instanceCost))
        if model == nil {
            sink.diagnostic(
                TraceDiagnostic(
                    severity: .warning, file: url.path, line: nil,
                    message: "the trajectory names no model (nor does its directory); its tokens are reported unpriced"))
        }
    }

    /// The program an action runs: its first word (`edit 10:12` → `edit`).
    static func command(_ action: String?) -> String {
        action?.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? "action"
    }

    static func modelFromDirectory(_ url: URL) -> String? {
        let directory = url.deletingLastPathComponent().lastPathComponent
        guard let shortcut = directory.components(separatedBy: "__").first, !shortcut.isEmpty else { return nil }
        return shortcuts[shortcut] ?? (directory.contains("__") ? shortcut : nil)
    }

    struct Trajectory: Decodable {
        var trajectory: [Entry]
        var info: Info?
    }

    struct Entry: Decodable {
        var action: String?
        var observation: String?
        var executionTime: Double?
        /// The model's whole reply (thought and action).
        var response: String?
        enum CodingKeys: String, CodingKey { case action, observation, response, executionTime = "execution_time" }
    }

    struct Info: Decodable {
        var model: String?
        var modelStats: ModelStats?
        enum CodingKeys: String, CodingKey { case model, modelStats = "model_stats" }
    }

    struct ModelStats: Decodable {
        var instanceCost: Double?
        var tokensSent: Int?
        var tokensReceived: Int?
        var apiCalls: Int?
        enum CodingKeys: String, CodingKey {
            case instanceCost = "instance_cost", tokensSent = "tokens_sent", tokensReceived = "tokens_received"
            case apiCalls = "api_calls"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            instanceCost = try c.decodeIfPresent(Double.self, forKey: .instanceCost)
            // Bounded like every token count, so a wild total cannot overflow the figures.
            tokensSent = try c.decodeTokenCount(forKey: .tokensSent)
            tokensReceived = try c.decodeTokenCount(forKey: .tokensReceived)
            apiCalls = try c.decodeIfPresent(Int.self, forKey: .apiCalls)
        }
    }
}
