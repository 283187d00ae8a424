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
    /// Reads and validates the workload file at `url`; with `fleetFile`, on the fleet that file
    /// describes instead of the workload's own (`agentperf simulate --fleet`).
    package static func load(contentsOf url: URL, fleetFile: URL? = nil) throws(SpecError) -> RunSpec {
        let text = try SpecFile.read(contentsOf: url, what: "workload")
        let fleet = try fleetFile.map { file throws(SpecError) in (try loadFleet(contentsOf: file), file.path) }
        return try load(yaml: text, source: url.path, directory: url.deletingLastPathComponent(), fleet: fleet)
    }

    /// Parses and validates workload YAML (or JSON) text; `source` names it in errors, and
    /// relative paths resolve against `directory` (default: the current directory). `fleet`
    /// replaces the workload's fleet (with the file it came from, for errors).
    package static func load(
        yaml: String, source: String, directory: URL? = nil, fleet: (FleetConfiguration, source: String)? = nil
    ) throws(SpecError) -> RunSpec {
        // One parse: `RunSpec` decodes the workload's and the target's sections from the same node.
        let (decoded, node) = try SpecFile.decode(RunSpec.self, yaml: yaml, source: source)
        var target = decoded.target
        if let fleet { target.fleet = fleet.0 }
        let workload = WorkloadLoader.located(decoded.workload, source: source, directory: directory)
        let spec = RunSpec(workload: workload, target: target)
        let served = spec.usesFleet ? servedRoles(of: target.fleet) : [:]
        // The tiers the tasks call (the check asks about each), so a fleet need not serve a
        // model for a tier nothing uses (a fleet file without `sim-embed` for a workload
        // without embeddings).
        var called: Set<String> = []
        try WorkloadLoader.check(workload, node: node, source: source) { tier in
            guard target.backendName(forTier: tier) == TargetSpec.fleetBackend, let model = workload.models[tier] else {
                return nil
            }
            called.insert(tier)
            return served[model]
        }
        for (tier, model) in workload.models.sorted(by: { $0.key < $1.key })
        where called.contains(tier) && served[model] == nil {
            let fleetName = fleet.map { "the simulated fleet of \($0.source)" } ?? "the simulated fleet"
            throw WorkloadLoader.Problem(
                path: [AnyKey(stringValue: "models"), AnyKey(stringValue: tier)],
                message:
                    "tier \"\(tier)\" names model \"\(model)\", which \(fleetName) does not serve; it serves \(served.keys.sorted().joined(separator: ", ")) (or bind the tier to a backend: {model: NAME, backend: BACKEND})"
            ).error(in: node, source: source)
        }
        return spec
    }

    /// The bundled default workload on the built-in fleet.
    package static func bundled(fleetFile: URL? = nil) throws(SpecError) -> RunSpec {
        let fleet = try fleetFile.map { file throws(SpecError) in (try loadFleet(contentsOf: file), file.path) }
        return try load(yaml: BundledWorkload.yaml, source: BundledWorkload.source, fleet: fleet)
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
