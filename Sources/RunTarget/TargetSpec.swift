package import SimulatedFleet
import SpecDecoding
package import Workload

/// Where a workload's model calls go: named backends, the backend each tier is bound to, the
/// single `endpoint` of older files, and the built-in simulated fleet. The workload says what
/// to run; this says where, and `Harness` resolves it into backends.
///
/// Read from the same file as the workload (`backends:`, `endpoint:`, `fleet:` and the
/// `backend` of a `models:` binding).
package struct TargetSpec: Sendable, Hashable {
    /// Tier → the backend that serves it (absent: the endpoint if one is set, else the fleet).
    package var modelBackends: [String: String]
    /// Named model servers.
    package var backends: [String: BackendSpec]
    /// One OpenAI-compatible server for every unbound tier (older files, and `--endpoint`).
    package var endpoint: EndpointSpec?
    /// The simulated fleet that serves the tiers no backend does.
    package var fleet: FleetConfiguration

    package init(
        modelBackends: [String: String] = [:], backends: [String: BackendSpec] = [:], endpoint: EndpointSpec? = nil,
        fleet: FleetConfiguration = .default
    ) {
        self.modelBackends = modelBackends
        self.backends = backends
        self.endpoint = endpoint
        self.fleet = fleet
    }

    /// The name of the built-in fleet as a backend.
    package static let fleetBackend = "fleet"
    /// The name of `endpoint` as a backend.
    package static let endpointBackend = "endpoint"

    /// The backend name serving `tier`: its binding, else `endpoint` when one is set, else
    /// `fleet` (the built-in simulated fleet).
    package func backendName(forTier tier: String) -> String {
        modelBackends[tier] ?? (endpoint != nil ? Self.endpointBackend : Self.fleetBackend)
    }

    /// Whether any of `workload`'s tiers runs on the built-in fleet.
    package func usesFleet(_ workload: Workload) -> Bool {
        workload.models.keys.contains { backendName(forTier: $0) == Self.fleetBackend }
    }
}

extension TargetSpec: Decodable {
    /// The target's sections of a workload file; the file's other keys are the workload's.
    enum CodingKeys: String, CodingKey {
        case models, backends, endpoint, fleet
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelBackends =
            try c.decodeIfPresent([String: Workload.ModelBinding].self, forKey: .models)?.compactMapValues(\.backend) ?? [:]
        backends = try c.decodeIfPresent([String: BackendSpec].self, forKey: .backends) ?? [:]
        try c.require(
            backends[Self.fleetBackend] == nil, .backends, "\"fleet\" names the built-in simulated fleet; choose another name")
        for (tier, backend) in modelBackends.sorted(by: { $0.key < $1.key })
        where backend != Self.fleetBackend && backends[backend] == nil {
            try c.require(
                false, .models,
                "tier \"\(tier)\" names backend \"\(backend)\", which backends: does not define (defined: \(backends.keys.sorted().joined(separator: ", ")); \"fleet\" is the simulated fleet)"
            )
        }
        endpoint = try c.decodeIfPresent(EndpointSpec.self, forKey: .endpoint)
        fleet = try c.decodeIfPresent(FleetConfiguration.self, forKey: .fleet) ?? .default
    }

    /// Writes the target's sections except the bindings (`RunSpec` writes those with the
    /// workload's models); the fleet only when a tier of `workload` uses it. A target is only
    /// ever written beside its workload: its bindings need the workload's model names.
    func encodeSections(to encoder: any Encoder, for workload: Workload) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !backends.isEmpty { try c.encode(backends, forKey: .backends) }
        try c.encodeIfPresent(endpoint, forKey: .endpoint)
        if usesFleet(workload) { try c.encode(fleet, forKey: .fleet) }
    }
}
