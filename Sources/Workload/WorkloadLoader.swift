public import Foundation
public import SimulatedFleet
import SpecDecoding
import Traces
import Yams

/// Reads workload files and checks them, reporting every problem at its file, line and field.
public enum WorkloadLoader {
    /// Reads and validates the workload at `url`.
    public static func load(contentsOf url: URL) throws(WorkloadError) -> Workload {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw WorkloadError(file: url.path, message: "cannot read the workload file: \(error.localizedDescription)")
        }
        return try load(yaml: text, source: url.path, directory: url.deletingLastPathComponent())
    }

    /// Parses and validates workload YAML (or JSON) text; `source` names it in errors. Relative
    /// paths in it (retrieval corpora, task workspaces, MCP server directories) are resolved
    /// against `directory` (default: the current directory), so the resolved workload written to
    /// a run's `config.json` runs the same from anywhere.
    public static func load(yaml: String, source: String, directory: URL? = nil) throws(WorkloadError) -> Workload {
        let (decoded, node) = try SpecFile.decode(Workload.self, yaml: yaml, source: source)
        var workload = decoded
        workload.source = source
        workload.resolvePaths(
            against: directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        if let problem = crossCheck(workload) {
            let (line, column) = NodeLocator.position(of: problem.path, in: node)
            throw WorkloadError(
                file: source, line: line, column: column, field: NodeLocator.describe(problem.path), message: problem.message)
        }
        return workload
    }

    /// Reads a simulated-fleet file (the `fleet:` section of a workload, on its own).
    public static func loadFleet(contentsOf url: URL) throws(WorkloadError) -> FleetConfiguration {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw WorkloadError(file: url.path, message: "cannot read the fleet file: \(error.localizedDescription)")
        }
        return try SpecFile.decode(FleetConfiguration.self, yaml: text, source: url.path).value
    }

    // MARK: Cross-field checks

    struct Problem {
        var path: [any CodingKey]
        var message: String
    }

    /// Checks what no single field can: tiers, tools and models that must exist elsewhere.
    static func crossCheck(_ workload: Workload) -> Problem? {
        let servedKinds: [String: ModelArchitecture.Kind]? =
            workload.usesFleet
            ? Dictionary(
                uniqueKeysWithValues: ((try? Fleet(configuration: workload.fleet))?.servedModels ?? []).map {
                    ($0.name, $0.architecture.kind)
                })
            : nil
        if let servedKinds {
            for (tier, model) in workload.models.sorted(by: { $0.key < $1.key })
            where workload.backendName(forTier: tier) == "fleet" && servedKinds[model] == nil {
                return Problem(
                    path: [key("models"), key(tier)],
                    message:
                        "tier \"\(tier)\" names model \"\(model)\", which the simulated fleet does not serve; it serves \(servedKinds.keys.sorted().joined(separator: ", ")) (or bind the tier to a backend: {model: NAME, backend: BACKEND})"
                )
            }
        }
        for (name, tool) in workload.tools.sorted(by: { $0.key < $1.key }) {
            if let problem = checkTool(name, tool, workload: workload, servedKinds: servedKinds) { return problem }
        }
        for (t, task) in workload.tasks.enumerated() {
            let base: [any CodingKey] = [key("tasks"), AnyKey(intValue: t)]
            if let duplicate = workload.tasks[..<t].first(where: { $0.name == task.name }) {
                return Problem(path: base + [key("name")], message: "task name \"\(duplicate.name)\" is used twice")
            }
            switch task.behaviour {
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
                    driven.tier, base + [key("model")], needs: .generative, workload: workload, servedKinds: servedKinds)
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
                            tier, base + [key("graders"), AnyKey(intValue: g), key("judge")], needs: .generative,
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

    static func tierProblem(
        _ tier: String, _ at: [any CodingKey], needs kind: ModelArchitecture.Kind, workload: Workload,
        servedKinds: [String: ModelArchitecture.Kind]?
    ) -> Problem? {
        guard let model = workload.models[tier] else {
            return Problem(
                path: at,
                message:
                    "unknown tier \"\(tier)\"; the workload's models define \(workload.models.keys.sorted().joined(separator: ", "))"
            )
        }
        if workload.backendName(forTier: tier) == "fleet", let servedKinds, let served = servedKinds[model], served != kind {
            let expected = kind == .generative ? "a chat model" : "an embedding model"
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
        _ name: String, _ tool: ToolSpec, workload: Workload, servedKinds: [String: ModelArchitecture.Kind]?
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
                agent.tier, at + [key("agent"), key("model")], needs: .generative, workload: workload, servedKinds: servedKinds)
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
        _ steps: [StepSpec], path: [any CodingKey], workload: Workload, servedKinds: [String: ModelArchitecture.Kind]?
    ) -> Problem? {
        func tierProblem(_ tier: String, _ at: [any CodingKey], needs kind: ModelArchitecture.Kind) -> Problem? {
            Self.tierProblem(tier, at, needs: kind, workload: workload, servedKinds: servedKinds)
        }
        for (i, step) in steps.enumerated() {
            let here = path + [AnyKey(intValue: i)]
            switch step {
            case .model(let model):
                if let p = tierProblem(model.tier, here + [key("model"), key("tier")], needs: .generative) { return p }
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

/// Decodes a YAML spec file, turning every syntax and decoding error into a `WorkloadError`
/// with the file, line, column and field.
enum SpecFile {
    static func decode<T: Decodable>(_ type: T.Type, yaml: String, source: String) throws(WorkloadError) -> (value: T, node: Node)
    {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw WorkloadError(file: source, line: 1, message: "the file is empty")
            }
            node = composed
        } catch let error as WorkloadError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, source: source)
        } catch {
            throw WorkloadError(file: source, message: "cannot parse YAML: \(error)")
        }
        do {
            return (try YAMLDecoder().decode(T.self, from: node), node)
        } catch {
            throw locate(error, in: node, source: source)
        }
    }

    static func syntaxError(_ error: YamlError, source: String) -> WorkloadError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return WorkloadError(file: source, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        default:
            return WorkloadError(file: source, message: "invalid YAML: \(error)")
        }
    }

    static func locate(_ error: any Error, in node: Node, source: String) -> WorkloadError {
        guard let error = error as? DecodingError else {
            return WorkloadError(file: source, message: "\(error)")
        }
        let path: [any CodingKey]
        let message: String
        switch error {
        case .keyNotFound(let missing, let context):
            path = context.codingPath
            message = "missing required field \"\(missing.stringValue)\""
        case .typeMismatch(let type, let context):
            path = context.codingPath
            message = "expected \(DecodingProblem.typeName(type))" + found(at: path, in: node)
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(DecodingProblem.typeName(type)), found nothing"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            return WorkloadError(file: source, message: "\(error)")
        }
        let (line, column) = NodeLocator.position(of: path, in: node)
        return WorkloadError(file: source, line: line, column: column, field: NodeLocator.describe(path), message: message)
    }

    private static func found(at path: [any CodingKey], in node: Node) -> String {
        guard let target = NodeLocator.node(at: path, in: node) else { return "" }
        switch target {
        case .scalar(let scalar): return ", found \"\(scalar.string)\""
        case .mapping: return ", found a mapping"
        case .sequence: return ", found a list"
        case .alias: return ""
        }
    }
}

/// Finds the YAML node a coding path points at, for line numbers.
enum NodeLocator {
    static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            switch current {
            case .mapping(let mapping):
                guard let value = mapping.first(where: { $0.key.string == key.stringValue })?.value else { return nil }
                current = value
            case .sequence(let sequence):
                guard let index = key.intValue, index < sequence.count else { return nil }
                current = sequence[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Line and column of the deepest node on `path` that exists.
    static func position(of path: [any CodingKey], in root: Node) -> (Int?, Int?) {
        var prefix = path
        while true {
            if let found = node(at: prefix, in: root), let mark = keyMark(of: prefix, in: root) ?? found.mark {
                return (mark.line, mark.column)
            }
            if prefix.isEmpty { return (nil, nil) }
            prefix.removeLast()
        }
    }

    /// The mark of the key itself for mapping entries (where the field name is written).
    private static func keyMark(of path: [any CodingKey], in root: Node) -> Mark? {
        guard let last = path.last, last.intValue == nil, case .mapping(let parent)? = node(at: path.dropLast(), in: root) else {
            return nil
        }
        return parent.first { $0.key.string == last.stringValue }?.key.mark
    }

    /// `tasks[2].steps[0].model.tier`.
    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
