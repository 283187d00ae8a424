import AsyncHTTPClient
import Backends
import Foundation
import RunTarget
import Timekeeping
import Traces
import WireFormats
import Workload

/// Checks every endpoint a run calls before any level starts, so a wrong URL, a refused key or
/// a model the server does not serve fails in a second with exit 2 instead of as a level of
/// failed attempts (docs/BACKENDS.md, "Pre-flight check").
///
/// One `GET {base_url}/models` per backend (the built-in fleet excepted): no answer at all is
/// unreachable; 401 or 403 is a refused credential; a model list (OpenAI's and Anthropic's
/// `{"data": [{"id": …}]}`) must name every model the workload's tiers send there. Any other
/// answer (404 from a server without `/models`, a body that is not a list) shows the server is
/// there and says nothing about models: the check passes.
enum Preflight {
    static let timeout = Duration.seconds(10)

    static func check(_ backends: ResolvedBackends, workload: Workload) async throws(HarnessError) {
        let checked = backends.specs.filter { $0.key != "fleet" }
        guard !checked.isEmpty else { return }
        let models = workload.models
        // The run's own client settings: its connect timeout, no retried connection attempts.
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: ResolvedBackends.clientConfiguration(workload, specs: backends.specs))
        let outcome: Result<Void, HarnessError>
        do throws(HarnessError) {
            try await check(checked, tiers: backends.tierBackends, models: models, client: client)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        try outcome.get()
    }

    private static func check(
        _ specs: [String: BackendSpec], tiers: [String: String], models: [String: String], client: HTTPClient
    ) async throws(HarnessError) {
        for (name, spec) in specs.sorted(by: { $0.key < $1.key }) {
            let asked = models.filter { tiers[$0.key] == name }.sorted { $0.key < $1.key }
            guard !asked.isEmpty else { continue }
            let origin = Redaction.origin(of: spec.baseURL)
            guard let base = URL(string: spec.baseURL) else { continue }  // checked when the spec was read
            let transport = HTTPTransport(
                baseURL: base, client: client, headers: ResolvedBackends.headers(spec), clock: ContinuousRunClock())
            let extra = spec.kind == .anthropic ? [("anthropic-version", "2023-06-01")] : []
            let status: Int
            let body: Data
            switch await transport.probe("models", extra: extra, timeout: timeout) {
            case .answered(let answered, let data): (status, body) = (answered, data)
            case .unreachable(let type, _):
                throw .endpointCheckFailed(
                    backend: name, "\(origin) cannot be reached (\(type.rawValue)); is the server running at that address?")
            }
            if status == 401 || status == 403 {
                // A key that may call models but not list them (OpenAI's restricted keys) is not
                // a wrong key: only a refusal that is not about scopes or permissions stops the run.
                let text = String(decoding: body.prefix(4096), as: UTF8.self).lowercased()
                guard text.contains("scope") || text.contains("permission") else {
                    throw .endpointCheckFailed(
                        backend: name,
                        "\(origin) refused the credentials (HTTP \(status)) on GET /models; check the key its api_key_env names")
                }
                warn("\(origin) does not let this key list models (HTTP \(status)); its models are not checked")
                continue
            }
            guard status == 200, let list = modelList(in: body) else { continue }
            let missing = asked.filter { !isServed($0.value, by: list.ids) }
            guard !missing.isEmpty else { continue }
            let listed = list.ids.sorted().prefix(20).joined(separator: ", ") + (list.ids.count > 20 ? ", …" : "")
            let problem =
                "\(origin) does not list "
                + missing.map { "\($0.value) (tier \($0.key))" }.joined(separator: ", ")
                + "; it lists \(listed.isEmpty ? "no models" : listed)"
            // Only servers that serve exactly what they list (vLLM, SGLang) make a missing model
            // certain; llama.cpp and TGI ignore the name, proxies and Azure route names they do
            // not list, and a paginated list may hold it further on.
            guard list.isAuthoritative, !list.hasMore else {
                warn(problem + " (the run goes on: this server may serve models it does not list)")
                continue
            }
            throw .endpointCheckFailed(backend: name, problem)
        }
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: pre-flight check: \(message)\n".utf8))
    }

    /// Whether `model` is in `served`, or is an alias of a listed id: Anthropic lists dated ids
    /// (`claude-sonnet-4-5-20250929`) and accepts the undated alias; Ollama lists `llama3:latest`
    /// and accepts `llama3`.
    static func isServed(_ model: String, by served: Set<String>) -> Bool {
        served.contains(model)
            || served.contains { $0.hasPrefix(model + "-") || $0.hasPrefix(model + ":") || $0.hasPrefix(model + "@") }
    }

    /// A server's model list: its ids (a `models/` prefix, as Gemini writes them, dropped),
    /// whether every entry is owned by a server that refuses unlisted models, and whether more
    /// pages follow.
    struct ModelList {
        var ids: Set<String>
        var isAuthoritative: Bool
        var hasMore: Bool
    }

    /// The list in an OpenAI- or Anthropic-style `{"data": [{"id": …}]}` body, or nil when it is not one.
    static func modelList(in body: Data) -> ModelList? {
        guard let value = JSONValue(parsing: String(decoding: body, as: UTF8.self)),
            case .array(let entries)? = value["data"]
        else { return nil }
        let ids = entries.compactMap { $0["id"]?.stringValue }.map { $0.hasPrefix("models/") ? String($0.dropFirst(7)) : $0 }
        let owners = Set(entries.compactMap { $0["owned_by"]?.stringValue })
        return ModelList(
            ids: Set(ids), isAuthoritative: !owners.isEmpty && owners.isSubset(of: ["vllm", "sglang"]),
            hasMore: value["has_more"] == .bool(true) || value["next_page"] != nil && value["next_page"] != .null)
    }
}
