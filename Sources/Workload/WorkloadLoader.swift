package import Foundation
import Pricing
package import SpecDecoding
import Traces
package import Yams

/// What a tier must serve where a workload uses it.
package enum ModelRole: Sendable, Hashable {
    /// Chat completions (model steps, model-driven agents, judges).
    case chat
    /// Embeddings or rerank (encoder models).
    case encoder
}

/// Reads workload files and checks them, reporting every problem at its file, line and field.
///
/// This checks what the workload alone decides (tiers, tools, tasks); `RunSpecLoader` reads
/// the same file with its run target and also checks what the target serves.
package enum WorkloadLoader {
    /// Reads and validates the workload at `url`.
    package static func load(contentsOf url: URL) throws(SpecError) -> Workload {
        let text = try SpecFile.read(contentsOf: url, what: "workload")
        return try load(yaml: text, source: url.path, directory: url.deletingLastPathComponent())
    }

    /// Parses and validates workload YAML (or JSON) text; `source` names it in errors. Relative
    /// paths in it (retrieval corpora, task workspaces, MCP server directories) are resolved
    /// against `directory` (default: the current directory), so the resolved workload written to
    /// a run's `config.json` runs the same from anywhere.
    package static func load(yaml: String, source: String, directory: URL? = nil) throws(SpecError) -> Workload {
        let (workload, node) = try decode(yaml: yaml, source: source, directory: directory)
        try check(workload, node: node, source: source) { _ in nil }
        return workload
    }

    /// Reads a workload file's sections (without checking them against each other).
    package static func decode(yaml: String, source: String, directory: URL?) throws(SpecError) -> (Workload, Node) {
        let (decoded, node) = try SpecFile.decode(Workload.self, yaml: yaml, source: source)
        return (located(decoded, source: source, directory: directory), node)
    }

    /// `workload` as read from `source`: named after it, its relative paths made absolute against
    /// `directory` (default: the current directory).
    package static func located(_ workload: Workload, source: String, directory: URL?) -> Workload {
        var workload = workload
        workload.source = source
        workload.resolvePaths(
            against: directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        return workload
    }

    /// Runs the cross-field checks, throwing the first problem at its place in the file.
    /// `served` says what a tier's model is where the run sends it, when the caller knows.
    package static func check(
        _ workload: Workload, node: Node, source: String, served: (_ tier: String) -> ModelRole?
    ) throws(SpecError) {
        guard let problem = crossCheck(workload, servedKinds: served) else { return }
        throw problem.error(in: node, source: source)
    }

    // MARK: Cross-field checks

    /// A problem at a place in the file.
    package struct Problem {
        package var path: [any CodingKey]
        package var message: String

        package init(path: [any CodingKey], message: String) {
            self.path = path
            self.message = message
        }

        /// The error naming the problem's file, line, column and field.
        package func error(in node: Node, source: String) -> SpecError {
            let (line, column) = NodeLocator.position(of: path, in: node)
            return SpecError(file: source, line: line, column: column, field: NodeLocator.describe(path), message: message)
        }
    }

    /// Checks what no single field can: tiers, tools and models that must exist elsewhere.
    static func crossCheck(_ workload: Workload, servedKinds: (String) -> ModelRole?) -> Problem? {
        if let problem = variantProblem(workload, servedKinds: servedKinds) { return problem }
        for (name, tool) in workload.tools.sorted(by: { $0.key < $1.key }) {
            if let problem = checkTool(name, tool, workload: workload, servedKinds: servedKinds) { return problem }
        }
        var taskNames: Set<String> = []  // a set, so 40,000 tasks are checked in linear time
        for (t, task) in workload.tasks.enumerated() {
            let base: [any CodingKey] = [key("tasks"), AnyKey(intValue: t)]
            guard taskNames.insert(task.name).inserted else {
                return Problem(path: base + [key("name")], message: "task name \"\(task.name)\" is used twice")
            }
            switch task.behaviour {
            case .replayed(let session):
                if let p = tierProblem(
                    session.tier, base + [key("replay"), key("tier")], needs: .chat, workload: workload, servedKinds: servedKinds)
                {
                    return p
                }
            case .scripted(let scripted):
                if let problem = check(
                    scripted.agent.steps, path: base + [key("steps")], workload: workload, servedKinds: servedKinds)
                {
                    return problem
                }
                if let finalTier = scripted.agent.finalTier, scripted.passProbability[finalTier] == nil {
                    return Problem(
                        path: base + [key("pass_probability")],
                        message:
                            "the final answer comes from tier \"\(finalTier)\"; give its pass probability (for example \(finalTier): 0.8)"
                    )
                }
                for tier in scripted.passProbability.keys.sorted() where workload.models[tier] == nil {
                    return Problem(
                        path: base + [key("pass_probability"), key(tier)],
                        message:
                            "unknown tier \"\(tier)\"; the workload's models define \(workload.models.keys.sorted().joined(separator: ", "))"
                    )
                }
            case .driven(let driven):
                if let p = tierProblem(
                    driven.tier, base + [key("model")], needs: .chat, workload: workload, servedKinds: servedKinds)
                {
                    return p
                }
                if let p = toolsProblem(driven.tools, base + [key("tools")], workload: workload) { return p }
                var isDirectory: ObjCBool = false
                if let workspace = driven.workspace,
                    !FileManager.default.fileExists(atPath: workspace, isDirectory: &isDirectory) || !isDirectory.boolValue
                {
                    return Problem(
                        path: base + [key("workspace")],
                        message: "no such directory: \(workspace) (paths are relative to the workload file)")
                }
                for (g, grader) in driven.graders.enumerated() {
                    if case .judge(let tier, _) = grader.check,
                        let p = tierProblem(
                            tier, base + [key("graders"), AnyKey(intValue: g), key("judge")], needs: .chat,
                            workload: workload,
                            servedKinds: servedKinds)
                    {
                        return p
                    }
                }
            }
        }
        return nil
    }

    /// Variants name known tiers, and every scripted task has a pass probability for the tier
    /// each variant (and each cascade stage) makes it end on.
    static func variantProblem(_ workload: Workload, servedKinds: (String) -> ModelRole?) -> Problem? {
        let chatTiers = Set(workload.tasks.flatMap(\.chatTiers))
        for variant in workload.variants {
            let base: [any CodingKey] = [key("variants"), key(variant.name)]
            // Variants move model calls, so every tier they name must serve chat.
            for tier in variant.namedTiers {
                if let problem = tierProblem(tier, base, needs: .chat, workload: workload, servedKinds: servedKinds) {
                    return problem
                }
            }
            if variant.dollarBudget != nil {
                let tiers = Set(chatTiers.map { tier in variant.tier(for: tier, use: .act) }).union(variant.namedTiers)
                for tier in tiers.sorted() {
                    guard let model = workload.models[tier], workload.prices.price(for: model) == nil else { continue }
                    return Problem(
                        path: base + [key("dollar_budget")],
                        message:
                            "tier \"\(tier)\" (\(model)) has no price, so its calls would cost $0 against the budget; give its prices in prices:"
                    )
                }
            }
            let stages = variant.cascade.isEmpty ? [variant] : variant.cascade.map(variant.stage)
            for task in workload.tasks {
                guard let axis = variant.escalateOn else { break }
                let axes = task.driven?.graders.map(\.axis) ?? ["success"]
                if !axes.contains(axis) {
                    return Problem(
                        path: base + [key("escalate_on")],
                        message:
                            "task \"\(task.name)\" has no grader axis \"\(axis)\"; its axes are \(axes.joined(separator: ", "))")
                }
            }
            for (t, task) in workload.tasks.enumerated() {
                guard let scripted = task.scripted else {
                    if !variant.verification || !variant.subagents {
                        return Problem(
                            path: base,
                            message:
                                "verification and subagents switch scripted tasks' steps; task \"\(task.name)\" is model-driven")
                    }
                    continue
                }
                let probabilities = scripted.passProbability(verified: variant.verification)
                guard let last = scripted.agent.finalModelStep(skippingVerify: !variant.verification) else { continue }
                for stage in stages {
                    let tier = stage.tier(for: last.tier, use: last.use)
                    if probabilities[tier] == nil {
                        return Problem(
                            path: [
                                key("tasks"), AnyKey(intValue: t),
                                key(variant.verification ? "pass_probability" : "unverified_pass_probability"),
                            ],
                            message:
                                "variant \"\(variant.name)\" makes the final answer come from tier \"\(tier)\"; give its pass probability"
                        )
                    }
                }
            }
        }
        return nil
    }

    static func tierProblem(
        _ tier: String, _ at: [any CodingKey], needs kind: ModelRole, workload: Workload,
        servedKinds: (String) -> ModelRole?
    ) -> Problem? {
        guard let model = workload.models[tier] else {
            return Problem(
                path: at,
                message:
                    "unknown tier \"\(tier)\"; the workload's models define \(workload.models.keys.sorted().joined(separator: ", "))"
            )
        }
        if let served = servedKinds(tier), served != kind {
            let expected = kind == .chat ? "a chat model" : "an embedding model"
            return Problem(path: at, message: "tier \"\(tier)\" is \(model), which is not \(expected)")
        }
        return nil
    }

    static func toolsProblem(_ names: [String], _ at: [any CodingKey], workload: Workload) -> Problem? {
        for (i, name) in names.enumerated() where workload.tools[name] == nil {
            let known = workload.tools.keys.sorted()
            return Problem(
                path: at + [AnyKey(intValue: i)],
                message:
                    "unknown tool \"\(name)\"; "
                    + (known.isEmpty ? "the workload defines no tools" : "the workload defines \(known.joined(separator: ", "))"))
        }
        return nil
    }

    static func checkTool(
        _ name: String, _ tool: ToolSpec, workload: Workload, servedKinds: (String) -> ModelRole?
    ) -> Problem? {
        let at: [any CodingKey] = [key("tools"), key(name)]
        switch tool.kind {
        case .mcp(let server, _) where workload.mcpServers[server] == nil:
            let known = workload.mcpServers.keys.sorted()
            return Problem(
                path: at + [key("mcp")],
                message:
                    "unknown MCP server \"\(server)\"; "
                    + (known.isEmpty
                        ? "the workload's mcp_servers: defines none" : "mcp_servers: defines \(known.joined(separator: ", "))"))
        case .retrieval(let retrieval):
            if !FileManager.default.fileExists(atPath: retrieval.corpus) {
                return Problem(
                    path: at + [key("retrieval"), key("corpus")],
                    message: "no such file or directory: \(retrieval.corpus) (paths are relative to the workload file)")
            }
            if let rerank = retrieval.rerankTier,
                let p = tierProblem(
                    rerank, at + [key("retrieval"), key("rerank")], needs: .encoder, workload: workload, servedKinds: servedKinds)
            {
                return p
            }
            return tierProblem(
                retrieval.tier, at + [key("retrieval"), key("tier")], needs: .encoder, workload: workload,
                servedKinds: servedKinds)
        case .agent(let agent):
            if let p = tierProblem(
                agent.tier, at + [key("agent"), key("model")], needs: .chat, workload: workload, servedKinds: servedKinds)
            {
                return p
            }
            if agent.tools.contains(name) {
                return Problem(path: at + [key("agent"), key("tools")], message: "a sub-agent cannot call itself")
            }
            return toolsProblem(agent.tools, at + [key("agent"), key("tools")], workload: workload)
        default:
            return nil
        }
    }

    static func check(
        _ steps: [StepSpec], path: [any CodingKey], workload: Workload, servedKinds: (String) -> ModelRole?
    ) -> Problem? {
        func tierProblem(_ tier: String, _ at: [any CodingKey], needs kind: ModelRole) -> Problem? {
            Self.tierProblem(tier, at, needs: kind, workload: workload, servedKinds: servedKinds)
        }
        for (i, step) in steps.enumerated() {
            let here = path + [AnyKey(intValue: i)]
            switch step {
            case .model(let model):
                if let p = tierProblem(model.tier, here + [key("model"), key("tier")], needs: .chat) { return p }
            case .embed(let embed):
                if let p = tierProblem(embed.tier, here + [key("embed"), key("tier")], needs: .encoder) { return p }
            case .rerank(let rerank):
                if let p = tierProblem(rerank.tier, here + [key("rerank"), key("tier")], needs: .encoder) { return p }
            case .tool(let tool):
                if let spec = workload.tools[tool.tool] {
                    switch spec.kind {
                    case .simulated, .command: break
                    default:
                        return Problem(
                            path: here + [key("tool"), key("name")],
                            message:
                                "scripted steps call simulated and command tools only (they pass no arguments); \"\(tool.tool)\" needs a model-driven task (prompt:)"
                        )
                    }
                } else {
                    let known = workload.tools.keys.sorted()
                    return Problem(
                        path: here + [key("tool"), key("name")],
                        message:
                            "unknown tool \"\(tool.tool)\"; "
                            + (known.isEmpty
                                ? "the workload defines no tools" : "the workload defines \(known.joined(separator: ", "))"))
                }
            case .repeatBlock(let block):
                if let p = check(
                    block.steps, path: here + [key("repeat"), key("steps")], workload: workload, servedKinds: servedKinds)
                {
                    return p
                }
            case .fanout(let block):
                if let p = check(
                    block.agent.steps, path: here + [key("fanout"), key("steps")], workload: workload, servedKinds: servedKinds)
                {
                    return p
                }
            }
        }
        return nil
    }

    private static func key(_ name: String) -> AnyKey { AnyKey(stringValue: name) }

}
