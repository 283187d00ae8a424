package import Foundation
package import SimulatedFleet
package import SpecDecoding
package import Workload

/// Everything a run needs: what to run (`Workload`) and where its calls go (`TargetSpec`),
/// read from one workload file and written back as one (a run's `config.json`).
package struct RunSpec: Sendable, Hashable {
    package var workload: Workload
    package var target: TargetSpec

    package init(workload: Workload, target: TargetSpec = TargetSpec()) {
        self.workload = workload
        self.target = target
    }

    /// Whether any tier runs on the built-in fleet.
    package var usesFleet: Bool { target.usesFleet(workload) }
}

extension RunSpec: Codable {
    package init(from decoder: any Decoder) throws {
        workload = try Workload(from: decoder)
        target = try TargetSpec(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try workload.encode(to: encoder, backendBindings: target.modelBackends)
        try target.encodeSections(to: encoder, for: workload)
    }
}

/// Reads workload files with their run target and checks both, reporting every problem at its
/// file, line and field: the workload's own checks (`WorkloadLoader`), then what only the
/// target knows (the models the simulated fleet serves, and of which kind).
package enum RunSpecLoader {
    /// Reads and validates the workload file at `url`.
    package static func load(contentsOf url: URL) throws(SpecError) -> RunSpec {
        let text = try SpecFile.read(contentsOf: url, what: "workload")
        return try load(yaml: text, source: url.path, directory: url.deletingLastPathComponent())
    }

    /// Parses and validates workload YAML (or JSON) text; `source` names it in errors, and
    /// relative paths resolve against `directory` (default: the current directory).
    package static func load(yaml: String, source: String, directory: URL? = nil) throws(SpecError) -> RunSpec {
        // One parse: `RunSpec` decodes the workload's and the target's sections from the same node.
        let (decoded, node) = try SpecFile.decode(RunSpec.self, yaml: yaml, source: source)
        let (workload, target) = (WorkloadLoader.located(decoded.workload, source: source, directory: directory), decoded.target)
        let spec = RunSpec(workload: workload, target: target)
        let served = spec.usesFleet ? servedRoles(of: target.fleet) : [:]
        if spec.usesFleet {
            for (tier, model) in workload.models.sorted(by: { $0.key < $1.key })
            where target.backendName(forTier: tier) == TargetSpec.fleetBackend && served[model] == nil {
                throw WorkloadLoader.Problem(
                    path: [AnyKey(stringValue: "models"), AnyKey(stringValue: tier)],
                    message:
                        "tier \"\(tier)\" names model \"\(model)\", which the simulated fleet does not serve; it serves \(served.keys.sorted().joined(separator: ", ")) (or bind the tier to a backend: {model: NAME, backend: BACKEND})"
                ).error(in: node, source: source)
            }
        }
        try WorkloadLoader.check(workload, node: node, source: source) { tier in
            guard target.backendName(forTier: tier) == TargetSpec.fleetBackend, let model = workload.models[tier] else {
                return nil
            }
            return served[model]
        }
        return spec
    }

    /// The bundled default workload on the built-in fleet.
    package static func bundled() throws(SpecError) -> RunSpec {
        try load(yaml: BundledWorkload.yaml, source: BundledWorkload.source)
    }

    /// Reads a simulated-fleet file (the `fleet:` section of a workload, on its own).
    package static func loadFleet(contentsOf url: URL) throws(SpecError) -> FleetConfiguration {
        let text = try SpecFile.read(contentsOf: url, what: "fleet")
        return try SpecFile.decode(FleetConfiguration.self, yaml: text, source: url.path).value
    }

    /// Served model name → what it serves.
    static func servedRoles(of fleet: FleetConfiguration) -> [String: ModelRole] {
        let models = (try? Fleet(configuration: fleet))?.servedModels ?? []
        return Dictionary(models.map { ($0.name, $0.architecture.kind == .generative ? .chat : .encoder) }) { first, _ in first }
    }
}
