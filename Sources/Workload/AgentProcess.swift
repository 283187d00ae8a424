import Foundation
import SpecDecoding

/// The user's own agent, run as a process per attempt (a task's `process:`): AgentPerf points
/// its `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` at a recording gateway in front of the task's
/// tier, hands it the task's prompt, and takes what it prints as the final answer.
package struct AgentProcess: Sendable, Hashable {
    /// How the agent receives the task's prompt.
    package enum PromptDelivery: String, Sendable, Hashable, Codable, CaseIterable {
        /// On standard input, then end of file.
        case stdin
        /// As the last command-line argument.
        case argument
    }

    /// The command line. Arguments naming a file or directory beside the workload file (relative
    /// to it) are made absolute; the process itself runs in the attempt's working directory.
    package var command: [String]
    /// Extra environment variables (a value `$NAME` is read from AgentPerf's own environment at
    /// start, so no secret is written to the run's config).
    package var environment: [String: String]
    package var prompt: PromptDelivery

    package init(command: [String], environment: [String: String] = [:], prompt: PromptDelivery = .stdin) {
        self.command = command
        self.environment = environment
        self.prompt = prompt
    }
}

extension AgentProcess: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case command, environment = "env", prompt }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        try c.require(
            !command.isEmpty && !command[0].isEmpty, .command, "expected the agent's command line, like [python3, agent.py]")
        environment = try c.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
        let prompt = try c.decodeIfPresent(String.self, forKey: .prompt) ?? "stdin"
        guard let delivery = PromptDelivery(rawValue: prompt) else {
            try c.require(false, .prompt, "expected stdin or argument, found \"\(prompt)\"")
            self.prompt = .stdin
            return
        }
        self.prompt = delivery
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(command, forKey: .command)
        if !environment.isEmpty { try c.encode(environment, forKey: .environment) }
        try c.encode(prompt, forKey: .prompt)
    }

    /// The command with its arguments that name existing paths relative to the workload's
    /// directory made absolute (`python3` stays a command looked up on `PATH`).
    func resolvingPaths(_ resolve: (String) -> String) -> AgentProcess {
        var resolved = self
        resolved.command = command.map { argument in
            // `.` and `..` stay: an agent's "the current directory" is the attempt's.
            guard !argument.hasPrefix("/"), !argument.hasPrefix("-"), !argument.isEmpty, argument != ".", argument != ".."
            else { return argument }
            let path = resolve(argument)
            return FileManager.default.fileExists(atPath: path) ? path : argument
        }
        return resolved
    }
}
