import AgentLoop
import AsyncHTTPClient
import Backends
import Foundation
import NIOCore
import RunTarget
import SpecDecoding
import Timekeeping
import Traces
import Workload

/// The model servers a run talks to, resolved from the workload: the built-in fleet (`fleet`),
/// the single `endpoint` of older workloads or `--endpoint` (`endpoint`), and named `backends`.
struct ResolvedBackends: Sendable {
    /// Backend name → spec; `fleet` gets its base URL once the fleet listens.
    var specs: [String: BackendSpec]
    /// Tier → the name of the backend serving it.
    var tierBackends: [String: String]

    /// The values of every credential the run's backends read (`api_key_env`) and the gateway
    /// token: scrubbed from everything written (`TraceWriter`).
    var secretValues: [String] {
        let environment = ProcessInfo.processInfo.environment
        let variables = specs.values.compactMap(\.apiKeyEnvironmentVariable) + ["AGENTPERF_GATEWAY_TOKEN"]
        return variables.compactMap { environment[$0] }.filter { !$0.isEmpty }
    }

    /// `spec` with `--endpoint` in place of its target's `endpoint` (so tiers not bound to a
    /// named backend go there instead of to the built-in fleet).
    static func applying(endpointOverride: String?, to spec: RunSpec) throws(HarnessError) -> RunSpec {
        guard let url = endpointOverride else { return spec }
        // Neither message quotes the URL: it may hold a credential.
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), URL(string: url)?.host != nil else {
            throw .invalidEndpoint("\(Redaction.origin(of: url)) is not an http(s) base URL like http://127.0.0.1:8000/v1")
        }
        if let problem = BackendSpec.credentialInURL(url) {
            throw .invalidEndpoint(
                "the URL for \(Redaction.origin(of: url)) carries a credential (\(problem)); put the key in an environment variable and name it with a backend's api_key_env"
            )
        }
        var spec = spec
        spec.target.endpoint = EndpointSpec(baseURL: url)
        return spec
    }

    /// The backends `spec`'s tiers use, with their API keys checked (not read) now so that a
    /// missing variable fails before anything starts.
    static func resolve(_ spec: RunSpec) throws(HarnessError) -> ResolvedBackends {
        let (workload, target) = (spec.workload, spec.target)
        var specs: [String: BackendSpec] = [:]
        var tierBackends: [String: String] = [:]
        for tier in workload.models.keys {
            let name = target.backendName(forTier: tier)
            tierBackends[tier] = name
            guard specs[name] == nil else { continue }
            switch name {
            case "fleet":
                // The base URL is known once the fleet listens. The scripted agent asks for exact
                // output lengths (`ignore_eos`), which the fleet honours.
                specs[name] = BackendSpec(kind: .openAIChat, baseURL: "", provider: Self.fleetProvider, ignoreEOS: true)
            case "endpoint":
                let endpoint = target.endpoint!
                specs[name] = BackendSpec(
                    kind: .openAIChat, baseURL: endpoint.baseURL, provider: endpoint.provider,
                    apiKeyEnvironmentVariable: endpoint.apiKeyEnvironmentVariable, ignoreEOS: true)
            default:
                specs[name] = target.backends[name]!
            }
        }
        for (name, spec) in specs.sorted(by: { $0.key < $1.key }) {
            if let variable = spec.apiKeyEnvironmentVariable, ProcessInfo.processInfo.environment[variable] == nil {
                throw .missingAPIKey(variable: variable, backend: name)
            }
        }
        return ResolvedBackends(specs: specs, tierBackends: tierBackends)
    }

    var usesFleet: Bool { specs["fleet"] != nil }

    /// The provider name the built-in fleet reports; a named backend with it is the fleet served
    /// elsewhere (`agentperf serve-sim`), which follows `simulate:` scripts too.
    static let fleetProvider = "agentperf-simulated-fleet"

    /// What the run record names as its target.
    var target: String {
        specs.keys.sorted().map { name in
            name == "fleet" ? "simulated fleet (in-process)" : "\(name): \(specs[name]!.baseURL)"
        }.joined(separator: "; ")
    }

    /// The request headers of a backend: its own, plus its API key from the environment
    /// (`Authorization: Bearer` for OpenAI kinds, `x-api-key` for Anthropic). The key lives
    /// only in these headers, in memory; nothing writes it anywhere.
    static func headers(_ spec: BackendSpec) -> [(String, String)] {
        var headers = spec.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let variable = spec.apiKeyEnvironmentVariable, let key = ProcessInfo.processInfo.environment[variable] {
            headers.append(spec.kind == .anthropic ? ("x-api-key", key) : ("authorization", "Bearer \(key)"))
        }
        return headers
    }

    /// The APIs one backend serves.
    struct Endpoints: Sendable {
        var chat: any ChatBackend
        var embeddings: (any EmbeddingBackend)?
        var rerank: (any RerankBackend)?
    }

    /// Every backend over HTTP through `client` (the fleet once it listens).
    func httpEndpoints(client: HTTPClient, clock: any RunClock) -> [String: Endpoints] {
        var endpoints: [String: Endpoints] = [:]
        for (name, spec) in specs {
            let transport = HTTPTransport(
                baseURL: URL(string: spec.baseURL)!, client: client, headers: Self.headers(spec), clock: clock,
                timeouts: .init(firstToken: spec.firstTokenTimeout?.duration, total: spec.totalTimeout?.duration))
            switch spec.kind {
            case .openAIChat:
                let backend = OpenAIBackend(
                    transport: transport, providerName: spec.provider,
                    options: .init(
                        sendIgnoreEOS: spec.ignoreEOS, useMaxCompletionTokens: spec.maxCompletionTokens,
                        rerankDialect: OpenAIBackend.RerankDialect(rawValue: spec.rerankDialect) ?? .jina))
                endpoints[name] = Endpoints(chat: backend, embeddings: backend, rerank: backend)
            case .openAIResponses:
                endpoints[name] = Endpoints(chat: OpenAIResponsesBackend(transport: transport, providerName: spec.provider))
            case .anthropic:
                endpoints[name] = Endpoints(
                    chat: AnthropicBackend(transport: transport, providerName: spec.provider, promptCaching: spec.promptCaching))
            }
        }
        return endpoints
    }

    /// Each tier's route to its backend's `endpoints`, with the backend's retry policy.
    func routes(for workload: Workload, endpoints: [String: Endpoints]) -> ModelRoutes {
        var tiers: [String: TierRoute] = [:]
        for (tier, model) in workload.models {
            guard let name = tierBackends[tier], let backend = endpoints[name], let spec = specs[name] else { continue }
            tiers[tier] = TierRoute(
                model: model, chat: backend.chat, embeddings: backend.embeddings, rerank: backend.rerank, retry: spec.retry,
                isSimulatedFleet: name == "fleet" || spec.provider == Self.fleetProvider,
                recoversTextToolCalls: spec.textToolCalls)
        }
        return ModelRoutes(tiers: tiers)
    }

    /// Client settings: connections enough for every agent and sub-agent to have a request in
    /// flight, and the longest connect timeout any backend asks for.
    static func clientConfiguration(_ workload: Workload, specs: [String: BackendSpec]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        let widest =
            workload.tasks.map { task in
                switch task.behaviour {
                case .scripted(let scripted): BenchmarkRun.widestFanout(scripted.agent.steps)
                case .driven(let driven): max(1, driven.tools.count)
                case .replayed(let session): session.agents.count
                }
            }.max() ?? 1
        // Servers close idle keep-alive connections after a few seconds (uvicorn under vLLM and
        // SGLang, and llama.cpp's server: 5 s); closing ours first (as httpx does, at 5 s) keeps
        // requests off connections the server is about to drop.
        configuration.connectionPool = .init(
            idleTimeout: .seconds(4),
            concurrentHTTP1ConnectionsPerHostSoftLimit: workload.load.maxInFlight * widest + 8)
        // A refused connection fails the call at once (connect_error): the backend's retry policy
        // is the one place retries happen, each a step with its wait, instead of the pool retrying
        // unseen until the connect timeout (10 s recorded as one slow call).
        configuration.connectionPool.retryConnectionEstablishment = false
        let connect = specs.values.map(\.connectTimeout.duration).max() ?? .seconds(10)
        configuration.timeout = .init(
            connect: .nanoseconds(
                Int64(connect.components.seconds * 1_000_000_000 + connect.components.attoseconds / 1_000_000_000)))
        return configuration
    }
}
