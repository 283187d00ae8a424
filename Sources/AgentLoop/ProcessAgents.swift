package import Foundation
import Recorder
import Timekeeping
import Tools
package import Traces
package import WireFormats
import Workload

/// Recording gateways in front of the tiers' backends, which agents run as processes call
/// through (the harness starts them; AgentLoop only opens and closes attempts on them).
package protocol ProcessAgentGateways: Sendable {
    /// Opens attempt `attemptID` on the gateway in front of `tier`'s backend; returns the base
    /// URL (`…/attempt/<id>/v1`) its agent is pointed at, nil when no gateway serves the tier.
    /// `simulation` rides on the attempt's calls to the built-in fleet.
    func open(attemptID: String, task: String, tier: String, simulation: SimulationScript?, at now: Int64) async -> URL?
    /// Closes the attempt and returns the steps its agent's calls made, in order.
    func close(attemptID: String) async -> [StepRecord]
    /// Environment variables that hold the backends' keys (and the gateway's token): never handed to an agent.
    var secretVariables: Set<String> { get }
}

extension DrivenAgentLoop {
    /// How an agent process ended.
    enum ProcessEnd: Sendable {
        /// It exited 0; what it printed is its final answer.
        case answered(String)
        /// It exited otherwise, or could not start: why, in words.
        case failed(String)
        /// No gateway serves the task's tier.
        case noGateway
    }

    /// A `process:` task: the user's agent runs as a process with its base URLs pointed at the
    /// attempt's gateway URL; the gateway's steps become the attempt's, its output is graded.
    func runProcess(_ plan: AttemptPlan, task: TaskSpec, driven: DrivenTask, process: AgentProcess) async -> AttemptResult {
        let tier = plan.variant?.tier(for: driven.tier, use: .act) ?? driven.tier
        let lifecycle = AttemptLifecycle(workload: workload, clock: clock)
        let (gateways, clock, model) = (self.gateways, self.clock, routes[tier]?.model ?? tier)
        // On the built-in fleet the task's `simulate:` script decides the replies, so the grade is simulated.
        let simulation =
            routes[tier]?.isSimulatedFleet == true && !driven.simulate.isEmpty
            ? SimulationScript(turns: driven.simulate.map(\.scriptTurn)) : nil
        return await lifecycle.run(plan, directory: .copy(of: driven.workspace)) { scope -> ProcessEnd in
            guard
                let url = await gateways?.open(
                    attemptID: plan.attemptID, task: task.name, tier: tier, simulation: simulation, at: clock.now())
            else { return .noGateway }
            let environment = Self.environment(for: process, gateway: url, model: model, plan: plan, task: task.name)
            let hidden = (gateways?.secretVariables ?? []).subtracting(environment.keys)
            let outcome = await AgentProcessRunner.run(
                process.command + (process.prompt == .argument ? [driven.prompt] : []), environment: environment,
                removing: hidden,
                input: process.prompt == .stdin ? driven.prompt : nil, in: scope.directory)
            guard outcome.exitStatus == 0 else { return .failed(Self.failure(outcome)) }
            return .answered(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        } finish: { ending, scope, record in
            for step in await gateways?.close(attemptID: plan.attemptID) ?? [] { await scope.steps.log.append(step) }
            record.finalTier = tier
            switch ending {
            case .timedOut:
                record.stopReason = StopReason.attemptTimeout
            case .returned(.answered(let answer)):
                record.stopReason = StopReason.finalAnswer
                applyGrades(await grade(answer, task: driven, context: scope), to: &record)
                record.gradeSimulated = simulation != nil
            case .returned(.failed(let message)):
                record.stopReason = StopReason.agentFailed
                record.outcome = .error
                record.errorType = StepErrorType.agentFailed
                record.errorMessage = message
            case .returned(.noGateway):
                record.stopReason = StopReason.agentFailed
                record.outcome = .error
                record.errorType = StepErrorType.noBackend
            }
        }
    }

    /// A failed agent in words: why it could not start, or its exit status and the last lines
    /// of its standard error (at most 2 KiB; the trace writer scrubs credentials from it).
    static func failure(_ outcome: AgentProcessRunner.Outcome) -> String {
        if let launch = outcome.launchFailure { return launch }
        let status = outcome.exitStatus.map { $0 > 128 ? "ended by signal \($0 - 128)" : "exit status \($0)" } ?? "stopped"
        let tail = outcome.standardErrorTail.trimmingCharacters(in: .whitespacesAndNewlines)
        return tail.isEmpty ? "\(status), nothing on standard error" : "\(status); standard error ends: \(tail)"
    }

    /// The agent's environment: the gateway's URLs, a placeholder API key (SDKs refuse to start
    /// without one; the gateway sends the backend's real key itself, so the agent never holds
    /// it), the attempt's identity, and the workload's `env` (`$NAME` read from AgentPerf's own;
    /// an unset one is left out).
    /// AgentPerf's other variables are inherited, except the backends' key variables.
    static func environment(
        for process: AgentProcess, gateway: URL, model: String, plan: AttemptPlan, task: String
    ) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [
            "OPENAI_BASE_URL": gateway.absoluteString,
            "ANTHROPIC_BASE_URL": gateway.deletingLastPathComponent().absoluteString,
            "AGENTPERF_MODEL": model, "AGENTPERF_ATTEMPT_ID": plan.attemptID, "AGENTPERF_TASK": task,
            "OPENAI_API_KEY": "agentperf-gateway", "ANTHROPIC_API_KEY": "agentperf-gateway",
        ]
        for (key, value) in process.environment {
            if value.hasPrefix("$") {
                environment[key] = inherited[String(value.dropFirst())]
            } else {
                environment[key] = value
            }
        }
        return environment
    }
}
