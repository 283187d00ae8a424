import Foundation

/// Takes secrets out of text before it is written anywhere: every configured secret value, and
/// whatever looks like a credential even when nobody configured it (an upstream error message
/// that echoes the `Authorization` header, a URL with a password or `?api_key=`).
///
/// Written by hand: no listed package scrubs credentials, and the rules are AgentPerf's own
/// (docs/TRACES.md, "error.message").
package enum Redaction {
    /// What a secret is replaced with.
    package static let marker = "[redacted]"

    /// `text` with each of `secrets` and every known key shape replaced by `[redacted]`.
    package static func scrub(_ text: String, secrets: [String] = []) -> String {
        var text = text
        for secret in secrets where !secret.isEmpty { text = text.replacingAll(secret, with: marker) }
        text = scrubAfter(prefixes, in: text, minimum: 6, keepPrefix: true)
        text = scrubAfter(keyPrefixes, in: text, minimum: 10, keepPrefix: false)
        text = scrubAfter(queryNames, in: text, minimum: 1, keepPrefix: true)
        return scrubUserinfo(text)
    }

    /// Words after which a credential follows: its value is replaced, the word kept.
    /// Capitalised `Basic` and `Token` only: in lower case they are ordinary words ("basic
    /// validation failed", "invalid token provided").
    static let prefixes = ["Bearer ", "bearer ", "Basic ", "Token "]
    /// Prefixes of API keys of well-known shapes (OpenAI and Anthropic `sk-`, Google `AIza`,
    /// GitHub `ghp_` and `github_pat_`, Slack `xox…-`, AWS `AKIA`, Hugging Face `hf_`): the whole
    /// key is replaced.
    static let keyPrefixes = ["sk-", "AIza", "ghp_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "hf_"]
    /// Query parameters and fields that carry credentials: `api_key=…`, `"api_key": "…"`.
    static let queryNames = [
        "api_key=", "apikey=", "api-key=", "key=", "token=", "access_token=", "password=", "secret=", "signature=",
    ]

    private static func isKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "-_.*~+/".contains(c))
    }

    /// The first occurrence of any of `markers` in `text` that does not start inside a word
    /// (`monkey=` holds no `key=`), and the run of key characters after it.
    private static func nextMarker(_ markers: [String], in text: Substring) -> (marker: Range<Substring.Index>, value: Substring)?
    {
        var from = text.startIndex
        while from < text.endIndex {
            let rest = text[from...]
            guard let range = markers.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) else {
                return nil
            }
            if range.lowerBound == text.startIndex || !isKeyCharacter(text[text.index(before: range.lowerBound)]) {
                var value = text[range.upperBound...].prefix(while: isKeyCharacter)
                // A sentence's full stop is not part of a key; base64 padding is.
                while value.last == "." { value = value.dropLast() }
                let padding = text[value.endIndex...].prefix { $0 == "=" }
                return (range, text[range.upperBound..<padding.endIndex])
            }
            from = range.upperBound
        }
        return nil
    }

    /// With `keepPrefix`, keeps each marker and replaces the value after it (when at least
    /// `minimum` long); without, the marker is the start of a key, and the whole key (marker
    /// included, at least `minimum` long) is replaced.
    private static func scrubAfter(_ markers: [String], in text: String, minimum: Int, keepPrefix: Bool) -> String {
        var output = ""
        var rest = Substring(text)
        while let (marker, value) = nextMarker(markers, in: rest) {
            let length = keepPrefix ? value.count : rest[marker].count + value.count
            output += rest[..<marker.lowerBound]
            if length >= minimum, !value.isEmpty {
                output += (keepPrefix ? String(rest[marker]) : "") + Self.marker
            } else {
                output += rest[marker] + value
            }
            rest = rest[value.endIndex...]
        }
        return output + rest
    }

    /// `scheme://user:password@host` → `scheme://[redacted]@host`.
    private static func scrubUserinfo(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            output += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != " " && $0 != "\"" && $0 != "'" && $0 != "\n" }
            if let at = authority.lastIndex(of: "@") {
                output += marker
                rest = rest[at...]
            }
        }
        return output + rest
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var output = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            output += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }
}
