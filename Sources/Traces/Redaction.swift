import Foundation

/// Takes secrets out of text before it is written anywhere: every configured secret value, and
/// whatever looks like a credential even when nobody configured it (an upstream error message
/// that echoes the `Authorization` header, a URL with a password or `?api_key=`, a JSON body
/// with `"api_key": "…"`).
///
/// Written by hand: no listed package scrubs credentials, and the rules are AgentPerf's own
/// (docs/TRACES.md, "error.message"). One pass over the text, word by word, so a hostile
/// message costs time in proportion to its length (at most `maximumLength` is kept).
package enum Redaction {
    /// What a secret is replaced with.
    package static let marker = "[redacted]"
    /// The longest text scrubbed; longer text is cut there (error messages are cut to a few
    /// hundred characters when written anyway).
    package static let maximumLength = 16_384
    /// Configured secrets at least this long are replaced wherever they appear, even inside a
    /// word; shorter ones (`EMPTY`, the usual placeholder key of local servers) only as a whole word.
    package static let substringSecretLength = 8

    /// `text` with each of `secrets` and every credential-looking value replaced by `[redacted]`.
    package static func scrub(_ text: String, secrets: [String] = []) -> String {
        var text = text
        // Configured secrets first, before the cut, so none is left half visible at the end.
        // Longest first, so a secret that begins another leaves no tail of the longer one.
        for secret in secrets.filter({ $0.count >= substringSecretLength }).sorted(by: { $0.count > $1.count }) {
            text = text.replacingAll(secret, with: marker)
        }
        if text.count > maximumLength { text = String(text.prefix(maximumLength)) + "…" }
        let wholeWords = Set(secrets.filter { !$0.isEmpty && $0.count < substringSecretLength })
        var scrubber = WordScrubber(text, wholeWordSecrets: wholeWords)
        return scrubber.scrubbed()
    }

    /// `scheme://host[:port]` of `url`, for messages about a URL that must not be quoted whole
    /// (it carries a credential); "the URL" when it has no readable host.
    package static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host,
            !host.isEmpty
        else { return "the URL" }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Prefixes of API keys of well-known shapes and the shortest such key: OpenAI and Anthropic
    /// `sk-`, Google `AIza`, GitHub `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_` and `github_pat_`, Slack
    /// `xox…-`, AWS `AKIA`/`ASIA`, Hugging Face `hf_`, Groq `gsk_`. Lengths keep ordinary words
    /// with the same start (`hf_transfer`, `sk-learn`) readable.
    static let keyShapes: [(prefix: String, minimumLength: Int)] = [
        ("sk-", 16), ("AIza", 30), ("ghp_", 30), ("gho_", 30), ("ghs_", 30), ("ghu_", 30), ("ghr_", 30),
        ("github_pat_", 30), ("xoxb-", 15), ("xoxp-", 15), ("xoxa-", 15), ("xoxs-", 15), ("AKIA", 16), ("ASIA", 16),
        ("hf_", 30), ("gsk_", 30),
    ]
    /// Authorization schemes: the word after one is a credential when it looks like one.
    static let schemes: Set<String> = ["Bearer", "bearer", "BEARER", "Basic", "Token", "Digest"]
    /// Parts of a field or parameter name that make its value a credential (`api_key`,
    /// `X-Amz-Signature`, `accessToken`, `client_secret`); `max_tokens` has none of them.
    static let credentialParts: Set<String> = [
        "key", "apikey", "token", "secret", "password", "passwd", "pwd", "signature", "sig", "auth", "authorization",
        "credential", "credentials", "cookie", "session", "sessionid", "bearer",
    ]

    /// Whether a field or parameter named `name` holds a credential: one of its parts (split at
    /// `_`, `-`, `.` and lower-to-upper case changes) is a credential word.
    static func namesCredential(_ name: Substring) -> Bool {
        var parts: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if character == "_" || character == "-" || character == "." {
                parts.append(current)
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower {
                parts.append(current)
                current = ""
            }
            current.append(contentsOf: character.lowercased())
            previousWasLower = character.isLowercase || character.isNumber
        }
        parts.append(current)
        return parts.contains { credentialParts.contains($0) }
    }

    static func isKeyShaped(_ word: Substring) -> Bool {
        keyShapes.contains { word.hasPrefix($0.prefix) && word.count >= $0.minimumLength }
    }

    /// A bearer or basic credential after a scheme word in prose: long, or with a digit (so
    /// "Bearer authentication required" and "Token expired" stay).
    static func looksLikeCredential(_ word: Substring) -> Bool {
        word.count >= 20 || (word.count >= 8 && word.contains { $0.isNumber })
    }
}

/// One pass over a text: words (runs of key characters) are kept or replaced by what came
/// before them — a scheme word, a credential name and its `=` or `:` — or by their own shape.
private struct WordScrubber {
    private let characters: [Character]
    private let wholeWordSecrets: Set<String>
    private var output = ""
    private var index = 0

    /// What the word about to be read follows.
    private enum Context { case plain, scheme, credentialName(separator: Character), quotedCredential, headerScheme }
    private var context = Context.plain

    init(_ text: String, wholeWordSecrets: Set<String>) {
        characters = Array(text)
        self.wholeWordSecrets = wholeWordSecrets
    }

    static func isKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "-_.*~+/%".contains(c))
    }

    /// Between a name and its value: spaces, quotes, and the backslashes of JSON nested in a string (`{\"api_key\":\"…\"}`).
    static func isQuoteOrSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\"" || c == "'" || c == "\\" }

    static func isQuote(_ c: Character) -> Bool { c == "\"" || c == "'" || c == "\\" }

    mutating func scrubbed() -> String {
        while index < characters.count {
            if case .quotedCredential = context {
                quotedValue()
            } else if startsURLAuthority() {
                copyAuthority()
            } else if Self.isKeyCharacter(characters[index]) {
                word()
            } else {
                output.append(characters[index])
                index += 1
                context = .plain
            }
        }
        return output
    }

    private mutating func word() {
        let start = index
        while index < characters.count, Self.isKeyCharacter(characters[index]) { index += 1 }
        // A sentence's full stop is not part of a key.
        var end = index
        while end > start + 1, characters[end - 1] == "." { end -= 1 }
        index = end
        let word = Substring(String(characters[start..<end]))
        let previous = context
        context = .plain
        var redact = wholeWordSecrets.contains(String(word)) || Redaction.isKeyShaped(word)
        switch previous {
        case .plain: break
        case .scheme: redact = redact || Redaction.looksLikeCredential(word)
        case .headerScheme, .quotedCredential: redact = true
        case .credentialName(let separator):
            if Redaction.schemes.contains(String(word)) {
                // `Authorization: Bearer KEY`: the key is the next word, whatever it looks like.
                output += word
                if index < characters.count, characters[index] == " " {
                    output.append(" ")
                    index += 1
                    context = .headerScheme
                }
                return
            }
            // `key=v` in a query may be short; after `:` a value shorter than 6 is likely prose.
            redact = redact || word.count >= (separator == "=" ? 1 : 6)
        }
        if redact {
            output += Redaction.marker
            while index < characters.count, characters[index] == "=" { index += 1 }  // base64 padding
            return
        }
        output += word
        if Redaction.schemes.contains(String(word)), index < characters.count, characters[index] == " " {
            output.append(" ")
            index += 1
            context = .scheme
        } else if Redaction.namesCredential(word), let (separator, quoted) = consumeSeparator() {
            context = quoted ? .quotedCredential : .credentialName(separator: separator)
        }
    }

    /// A quoted value after a credential name (`"password": "p@ss word!"`): everything up to the
    /// closing quote is the secret, whatever its characters; a scheme word keeps its key after it.
    private mutating func quotedValue() {
        context = .plain
        var end = index
        while end < characters.count, !Self.isQuote(characters[end]), characters[end] != "\n" { end += 1 }
        let value = String(characters[index..<end])
        guard !value.isEmpty else { return }
        if let space = value.firstIndex(of: " "), Redaction.schemes.contains(String(value[..<space])) {
            output += value[...space] + Redaction.marker
        } else {
            output += Redaction.marker
        }
        index = end
    }

    /// After a credential name: quotes and spaces, one `=` or `:`, quotes and spaces (copied);
    /// nil (nothing consumed) when no separator follows. `quoted`: the value opens with a quote.
    private mutating func consumeSeparator() -> (separator: Character, quoted: Bool)? {
        var cursor = index
        while cursor < characters.count, Self.isQuoteOrSpace(characters[cursor]) { cursor += 1 }
        guard cursor < characters.count, characters[cursor] == "=" || characters[cursor] == ":" else { return nil }
        let separator = characters[cursor]
        cursor += 1
        var quoted = false
        while cursor < characters.count, Self.isQuoteOrSpace(characters[cursor]) {
            quoted = quoted || characters[cursor] == "\"" || characters[cursor] == "'"
            cursor += 1
        }
        output += String(characters[index..<cursor])
        index = cursor
        return (separator, quoted)
    }

    private func startsURLAuthority() -> Bool {
        index + 2 < characters.count && characters[index] == ":" && characters[index + 1] == "/"
            && characters[index + 2] == "/"
    }

    /// `://user:password@host` → `://[redacted]@host`; the authority ends at the path, query,
    /// fragment, a space or a quote.
    private mutating func copyAuthority() {
        output += "://"
        index += 3
        var end = index
        while end < characters.count, !"/?# \"'\n\t".contains(characters[end]) { end += 1 }
        if let at = characters[index..<end].lastIndex(of: "@") {
            output += Redaction.marker
            index = at
        }
        context = .plain
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
