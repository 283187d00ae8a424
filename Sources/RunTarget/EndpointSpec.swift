import SpecDecoding

/// Where model calls go when not to the built-in simulated fleet.
package struct EndpointSpec: Sendable, Hashable {
    /// Up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1`.
    package var baseURL: String
    /// `gen_ai.provider.name` to record (`openai`, `vllm`, …).
    package var provider: String
    /// Name of the environment variable holding the API key. The key itself is read at run
    /// time and never written anywhere.
    package var apiKeyEnvironmentVariable: String?

    package init(baseURL: String, provider: String = "openai", apiKeyEnvironmentVariable: String? = nil) {
        self.baseURL = baseURL
        self.provider = provider
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
    }
}

extension EndpointSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url", provider, apiKeyEnvironmentVariable = "api_key_env"
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let url = try c.decode(String.self, forKey: .baseURL)
        try c.require(
            url.hasPrefix("http://") || url.hasPrefix("https://"), .baseURL,
            "expected an http(s) URL up to /v1, like http://127.0.0.1:8000/v1")
        self.init(
            baseURL: url, provider: try c.decodeIfPresent(String.self, forKey: .provider) ?? "openai",
            apiKeyEnvironmentVariable: try c.decodeIfPresent(String.self, forKey: .apiKeyEnvironmentVariable))
    }
}
