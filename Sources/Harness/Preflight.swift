import AsyncHTTPClient
import Backends
import Foundation
import RunTarget
import Timekeeping
import Traces
import WireFormats

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

    static func check(_ backends: ResolvedBackends, models: [String: String]) async throws(HarnessError) {
        let checked = backends.specs.filter { $0.key != "fleet" }
        guard !checked.isEmpty else { return }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
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
                throw .endpointCheckFailed(
                    backend: name,
                    "\(origin) refused the credentials (HTTP \(status)) on GET /models; check the key its api_key_env names")
            }
            guard status == 200, let served = servedModels(in: body) else { continue }
            let missing = asked.filter { !isServed($0.value, by: served) }
            guard missing.isEmpty else {
                let listed = served.sorted().prefix(20).joined(separator: ", ") + (served.count > 20 ? ", …" : "")
                throw .endpointCheckFailed(
                    backend: name,
                    "\(origin) does not serve "
                        + missing.map { "\($0.value) (tier \($0.key))" }.joined(separator: ", ")
                        + "; it serves \(listed.isEmpty ? "no models" : listed)")
            }
        }
    }

    /// Whether `model` is in `served`, or is an alias of a listed id: Anthropic lists dated ids
    /// (`claude-sonnet-4-5-20250929`) and accepts the undated alias; Ollama lists `llama3:latest`
    /// and accepts `llama3`.
    static func isServed(_ model: String, by served: Set<String>) -> Bool {
        served.contains(model)
            || served.contains { $0.hasPrefix(model + "-") || $0.hasPrefix(model + ":") || $0.hasPrefix(model + "@") }
    }

    /// The ids in an OpenAI- or Anthropic-style model list, or nil when the body is not one.
    static func servedModels(in body: Data) -> Set<String>? {
        guard case .array(let entries)? = JSONValue(parsing: String(decoding: body, as: UTF8.self))?["data"] else {
            return nil
        }
        return Set(entries.compactMap { $0["id"]?.stringValue })
    }
}
