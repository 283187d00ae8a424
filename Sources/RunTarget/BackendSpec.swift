import Foundation
package import SpecDecoding
package import Workload

/// The protocol a backend speaks.
package enum BackendKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// `POST /chat/completions` (vLLM, SGLang, llama.cpp, Ollama, OpenAI and most hosted APIs),
    /// plus `/embeddings` and `/rerank` on the same server.
    case openAIChat = "openai-chat"
    /// `POST /responses` (OpenAI; vLLM, SGLang and Ollama implement it too).
    case openAIResponses = "openai-responses"
    /// `POST /messages` (Anthropic).
    case anthropic

    /// `gen_ai.provider.name` when the workload names none.
    var defaultProvider: String { self == .anthropic ? "anthropic" : "openai" }
}

/// A model server: its protocol, address, credentials (by environment variable name only),
/// timeouts and retry policy.
package struct BackendSpec: Sendable, Hashable {
    package var kind: BackendKind
    /// Up to and including the API version, e.g. `http://127.0.0.1:8000/v1`.
    package var baseURL: String
    /// `gen_ai.provider.name` to record.
    package var provider: String
    /// The environment variable holding the API key; sent as `Authorization: Bearer` (OpenAI
    /// kinds) or `x-api-key` (Anthropic). The key is read at run time and never written anywhere.
    package var apiKeyEnvironmentVariable: String?
    /// Extra request headers; they are written to the run's config, so no secrets here.
    package var headers: [String: String]
    package var connectTimeout: DurationSpec
    package var firstTokenTimeout: DurationSpec?
    package var totalTimeout: DurationSpec?
    package var retry: RetryPolicy
    /// Send vLLM's `ignore_eos` when a scripted step asks for an exact output length.
    package var ignoreEOS: Bool
    /// Name the output limit `max_completion_tokens` (OpenAI reasoning models).
    package var maxCompletionTokens: Bool
    /// Anthropic prompt-cache breakpoints (`cache_control`).
    package var promptCaching: Bool
    /// `jina` (vLLM, Jina, Cohere style, under the base URL) or `tei` (Hugging Face TEI).
    package var rerankDialect: String
    /// Count a reply that is only tool calls written as JSON text (a chat-template quirk of
    /// some open models and servers) as those tool calls, marking the step.
    package var textToolCalls: Bool

    package init(
        kind: BackendKind, baseURL: String, provider: String? = nil, apiKeyEnvironmentVariable: String? = nil,
        headers: [String: String] = [:], connectTimeout: DurationSpec = DurationSpec(.seconds(10)),
        firstTokenTimeout: DurationSpec? = nil, totalTimeout: DurationSpec? = nil, retry: RetryPolicy = .default,
        ignoreEOS: Bool = false, maxCompletionTokens: Bool = false, promptCaching: Bool = true, rerankDialect: String = "jina",
        textToolCalls: Bool = true
    ) {
        self.textToolCalls = textToolCalls
        self.kind = kind
        self.baseURL = baseURL
        self.provider = provider ?? kind.defaultProvider
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.firstTokenTimeout = firstTokenTimeout
        self.totalTimeout = totalTimeout
        self.retry = retry
        self.ignoreEOS = ignoreEOS
        self.maxCompletionTokens = maxCompletionTokens
        self.promptCaching = promptCaching
        self.rerankDialect = rerankDialect
    }

    /// Whether a header name may carry a credential, deny-by-default: any name (trimmed,
    /// lowercased) that contains one of these words (`X-Auth-Token`, `x-goog-api-key`,
    /// `Ocp-Apim-Subscription-Key`, `"Authorization "`). Credentials belong in `api_key_env`.
    package static func mayCarryCredential(_ header: String) -> Bool {
        let name = header.trimmingCharacters(in: .whitespaces).lowercased()
        return credentialWords.contains { name.contains($0) }
    }

    static let credentialWords = [
        "auth", "key", "token", "secret", "cookie", "password", "passwd", "credential", "signature", "session", "bearer",
    ]

    /// Why `url` must not be written to a file: a user and password before the host, or a query
    /// parameter that carries a credential; nil when it is clean.
    /// A URL that cannot be read fails closed: it is not known to be clean.
    package static func credentialInURL(_ url: String) -> String? {
        guard let components = URLComponents(string: url) else { return "a URL that cannot be read" }
        if components.user != nil || components.password != nil { return "a user or password before the host" }
        for item in components.queryItems ?? [] where mayCarryCredential(item.name) {
            return "the query parameter \"\(item.name)\""
        }
        return nil
    }
}

extension BackendSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, baseURL = "base_url", provider, apiKeyEnvironmentVariable = "api_key_env", headers
        case timeouts, retry, ignoreEOS = "ignore_eos", maxCompletionTokens = "max_completion_tokens"
        case promptCaching = "prompt_caching", rerank, textToolCalls = "text_tool_calls"
    }

    enum TimeoutKeys: String, CodingKey, CaseIterable { case connect, firstToken = "first_token", total }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kindText = try c.decodeIfPresent(String.self, forKey: .kind) ?? BackendKind.openAIChat.rawValue
        guard let kind = BackendKind(rawValue: kindText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription:
                    "unknown backend kind \"\(kindText)\"; expected one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let url = try c.decode(String.self, forKey: .baseURL)
        try c.require(
            (url.hasPrefix("http://") || url.hasPrefix("https://")) && URL(string: url)?.host != nil, .baseURL,
            "expected an http(s) URL up to the API version, like http://127.0.0.1:8000/v1")
        if let problem = Self.credentialInURL(url) {
            // Not quoted back: the URL holds the credential.
            throw DecodingError.dataCorruptedError(
                forKey: .baseURL, in: c,
                debugDescription:
                    "the URL carries a credential (\(problem)); name the environment variable that holds the key with api_key_env instead (keys are never read from or written to files)"
            )
        }
        let headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        for name in headers.keys.sorted() where Self.mayCarryCredential(name) {
            throw DecodingError.dataCorruptedError(
                forKey: .headers, in: c,
                debugDescription:
                    "header \"\(name)\" carries a credential; name the environment variable that holds it with api_key_env instead (keys are never read from or written to files)"
            )
        }
        var connect = DurationSpec(.seconds(10))
        var firstToken: DurationSpec?
        var total: DurationSpec?
        if c.contains(.timeouts) {
            let nested = try c.superDecoder(forKey: .timeouts)
            try nested.rejectUnknownKeys(TimeoutKeys.self)
            let t = try nested.container(keyedBy: TimeoutKeys.self)
            connect = try t.decodeIfPresent(DurationSpec.self, forKey: .connect) ?? connect
            firstToken = try t.decodeIfPresent(DurationSpec.self, forKey: .firstToken)
            total = try t.decodeIfPresent(DurationSpec.self, forKey: .total)
        }
        let rerank = try c.decodeIfPresent(String.self, forKey: .rerank) ?? "jina"
        try c.require(["jina", "tei"].contains(rerank), .rerank, "expected jina or tei")
        self.init(
            kind: kind, baseURL: url, provider: try c.decodeIfPresent(String.self, forKey: .provider),
            apiKeyEnvironmentVariable: try c.decodeIfPresent(String.self, forKey: .apiKeyEnvironmentVariable), headers: headers,
            connectTimeout: connect, firstTokenTimeout: firstToken, totalTimeout: total,
            retry: try c.decodeIfPresent(RetryPolicy.self, forKey: .retry) ?? .default,
            ignoreEOS: try c.decodeIfPresent(Bool.self, forKey: .ignoreEOS) ?? false,
            maxCompletionTokens: try c.decodeIfPresent(Bool.self, forKey: .maxCompletionTokens) ?? false,
            promptCaching: try c.decodeIfPresent(Bool.self, forKey: .promptCaching) ?? true, rerankDialect: rerank,
            textToolCalls: try c.decodeIfPresent(Bool.self, forKey: .textToolCalls) ?? true)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(baseURL, forKey: .baseURL)
        try c.encode(provider, forKey: .provider)
        try c.encodeIfPresent(apiKeyEnvironmentVariable, forKey: .apiKeyEnvironmentVariable)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        var t = c.nestedContainer(keyedBy: TimeoutKeys.self, forKey: .timeouts)
        try t.encode(connectTimeout, forKey: .connect)
        try t.encodeIfPresent(firstTokenTimeout, forKey: .firstToken)
        try t.encodeIfPresent(totalTimeout, forKey: .total)
        try c.encode(retry, forKey: .retry)
        if ignoreEOS { try c.encode(true, forKey: .ignoreEOS) }
        if maxCompletionTokens { try c.encode(true, forKey: .maxCompletionTokens) }
        if kind == .anthropic { try c.encode(promptCaching, forKey: .promptCaching) }
        if rerankDialect != "jina" { try c.encode(rerankDialect, forKey: .rerank) }
        if !textToolCalls { try c.encode(false, forKey: .textToolCalls) }
    }
}
