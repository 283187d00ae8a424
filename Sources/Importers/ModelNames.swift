import Traces

/// Which of a call's model names to keep for pricing.
package enum ModelNames {
    /// The response's model when it is the request's with a date suffix (`claude-sonnet-4-5` →
    /// `claude-sonnet-4-5-20250929`, `openai/gpt-4o-mini` → `gpt-4o-mini-2024-07-18`): the provider
    /// resolved an alias, and prices belong to the dated id. Otherwise the request's (a router
    /// may answer with another model, `gpt-4o` with `gpt-4o-mini-…`), else the response's.
    package static func mostSpecific(request: String?, response: String?) -> String? {
        guard let response, !response.isEmpty else { return request }
        guard let request, !request.isEmpty else { return response }
        let asked = bare(request).lowercased()
        let answered = bare(response).lowercased()
        return ModelIdentifier.isDated(answered[...], snapshotOf: asked[...]) ? response : request
    }

    /// The name without a `provider/` prefix.
    private static func bare(_ name: String) -> Substring {
        name.lastIndex(of: "/").map { name[name.index(after: $0)...] } ?? name[...]
    }
}
