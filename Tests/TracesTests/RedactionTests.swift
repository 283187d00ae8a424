import Foundation
import TestSupport
import Testing

@testable import Traces

@Suite struct RedactionTests {
    @Test(
        "credentials are replaced wherever they appear in a message",
        arguments: [
            (
                "Incorrect API key provided: sk-proj-abcDEF123456. Find yours at…",
                "Incorrect API key provided: [redacted]. Find yours at…"
            ),
            ("invalid x-api-key sk-ant-api03-AbC_dEf-123", "invalid x-api-key [redacted]"),
            ("header was Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "header was Authorization: Bearer [redacted]"),
            ("Basic dXNlcjpwYXNzd29yZA== refused", "Basic [redacted] refused"),
            (
                "GET https://api.example.com/v1/models?api_key=abc123&x=1 failed",
                "GET https://api.example.com/v1/models?api_key=[redacted]&x=1 failed"
            ),
            ("POST https://alice:s3cret@proxy.example/v1 failed", "POST https://[redacted]@proxy.example/v1 failed"),
            ("key AIzaSyA-1234567890abcdefghijklmnopqrstu is not valid", "key [redacted] is not valid"),
            ("token=ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token=[redacted]"),
            (#"body {"api_key":"abc123def456","x":1}"#, #"body {"api_key":"[redacted]","x":1}"#),
            (
                #"{"error": {"message": "bad", "apiKey" : "s3cr3t-value"}}"#,
                #"{"error": {"message": "bad", "apiKey" : "[redacted]"}}"#
            ),
            ("sent x-api-key: 0123456789abcdef0123", "sent x-api-key: [redacted]"),
            ("login password: hunter2 rejected", "login password: [redacted] rejected"),
            (
                "GET /v1?auth_token=abc&access-token=def&client_secret=ghi",
                "GET /v1?auth_token=[redacted]&access-token=[redacted]&client_secret=[redacted]"
            ),
            ("url ?X-Amz-Signature=deadbeef&X-Amz-Date=1", "url ?X-Amz-Signature=[redacted]&X-Amz-Date=1"),
            ("Authorization: Bearer short", "Authorization: Bearer [redacted]"),
            ("groq gsk_abcdefghijklmnopqrstuvwxyz012345 bad", "groq [redacted] bad"),
            (#"upstream: {\"api_key\":\"0123abcd-plain\"}"#, #"upstream: {\"api_key\":\"[redacted]\"}"#),
            (#"{"password": "p@ss word!", "user": "bob"}"#, #"{"password": "[redacted]", "user": "bob"}"#),
            (#"{"token": "abc"}"#, #"{"token": "[redacted]"}"#),
            (#"{"authorization": "Bearer short1"}"#, #"{"authorization": "Bearer [redacted]"}"#),
        ])
    func scrubs(message: String, expected: String) {
        #expect(Redaction.scrub(message) == expected)
    }

    @Test("ordinary text is left alone: words that contain a marker, short values, prose about keys")
    func leavesProse() {
        for text in [
            "the monkey=banana rule", "This model's maximum context length is 8192 tokens", "ask-me-anything",
            "the API key is missing; set OPENAI_API_KEY", "skipped 3 steps", "see https://example.com/docs",
            "basic validation failed", "invalid token provided", "token budget reached",
            "Token expired", "Token validation failed", "Bearer authentication required", "Basic authentication failed",
            "pip install hf_transfer; see hf_hub_download", "max_tokens=9000 is over the limit", "prompt_tokens: 123456",
            "https://h.example.com/path?email=a@b.com", "the key: must be set", "sk-learn is not sklearn",
        ] {
            #expect(Redaction.scrub(text) == text)
        }
    }

    @Test("configured secret values are replaced however they appear, even without a known shape")
    func configuredSecrets() {
        #expect(
            Redaction.scrub("upstream said: bad token hunter2-plain-value (len 19)", secrets: ["hunter2-plain-value"])
                == "upstream said: bad token [redacted] (len 19)")
    }

    @Test("short configured secrets are replaced as whole words only; one secret inside another leaves no tail")
    func shortAndNestedSecrets() {
        #expect(
            Redaction.scrub("key EMPTY refused; EMPTYING the queue", secrets: ["EMPTY"])
                == "key [redacted] refused; EMPTYING the queue")
        #expect(Redaction.scrub("1 of 10 calls", secrets: ["1"]) == "[redacted] of 10 calls")
        #expect(
            Redaction.scrub("echo abcdefgh-and-more here", secrets: ["abcdefgh", "abcdefgh-and-more"]) == "echo [redacted] here")
    }

    @Test("a huge hostile message is cut; a configured secret across the cut is still replaced")
    func hostileLength() {
        let text = String(repeating: "ask-", count: 250_000)
        let scrubbed = Redaction.scrub(text)
        #expect(scrubbed.count <= Redaction.maximumLength + 1)
        let secret = "my-configured-secret-value"
        let straddling = String(repeating: "x", count: Redaction.maximumLength - 5) + " " + secret
        #expect(!Redaction.scrub(straddling, secrets: [secret]).contains("my-co"))
    }

    @Test("a URL with a credential is named by its origin only")
    func origin() {
        #expect(Redaction.origin(of: "https://u:p@api.example.com:8443/v1?key=x") == "https://api.example.com:8443")
        #expect(Redaction.origin(of: "not a url") == "the URL")
    }

    @Test("the trace writer scrubs every step's error message before it reaches the file")
    func traceWriter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("traces.jsonl")
        let writer = try TraceWriter(
            creating: url, run: RunRecord(runID: "r", startedAt: Date(), agentperfVersion: "t", workload: "w"),
            secrets: ["my-own-gateway-token-42"])
        var step = StepRecord(
            runID: "r", attemptID: "a", stepID: "s", index: 0, operation: .chat, useClass: .act, timing: StepTiming())
        step.errorMessage = "401: Incorrect API key provided: sk-live-0123456789abcdef; token my-own-gateway-token-42"
        try await writer.append(
            attempt: AttemptRecord(
                runID: "r", attemptID: "a", task: "t", concurrency: 1, isWarmup: false, outcome: .error, scheduled: 0, end: 1,
                stepCount: 1), steps: [step])
        await writer.close()
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(!text.contains("sk-live") && !text.contains("my-own-gateway-token-42"))
        #expect(text.contains("Incorrect API key provided: [redacted]; token [redacted]"))
    }
}

@Suite struct DecodingMessageTests {
    @Test("an exponent inside a string (a hash) is not an out-of-range number")
    func exponentInString() {
        #expect(DecodingProblem.outOfRangeNumber(in: Array(#"{"output_hash":"3e4567ab", "x": tru"#.utf8)) == nil)
        #expect(DecodingProblem.outOfRangeNumber(in: Array(#"{"a":"x\"3e999", "n": 2e999}"#.utf8)) == "2e999")
    }

    static let run = #"{"record":"run","schema_version":1,"run_id":"r","agentperf_version":"t","workload":"w"}"#
    static func step(outputTokens: String) -> String {
        #"{"record":"step","schema_version":1,"run_id":"r","attempt_id":"a","step_id":"s","step_index":0,"#
            + #""gen_ai.operation.name":"chat","use_class":"act","gen_ai.usage.input_tokens":10,"#
            + #""gen_ai.usage.output_tokens":"# + outputTokens + "}"
    }

    @Test(
        "valid JSON a field cannot hold is named as such, not called invalid JSON",
        arguments: [
            ("12.5", "field \"gen_ai.usage.output_tokens\": expected a whole token count from 0 to"),
            ("12.5", "found 12.5 (not a whole number)"),
            ("1e20", "found 1e+20 (out of range)"),
            ("1e400", "the number 1e400 is out of range"),
            ("-3", "field \"gen_ai.usage.output_tokens\": expected a token count from 0 to"),
        ])
    func messages(value: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("t.jsonl", Self.run + "\n" + Self.step(outputTokens: value) + "\n")
        let log = try TraceLog.load(from: file)
        let text = log.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("t.jsonl:2") && text.contains(message), "\(text)")
        #expect(!text.contains("not valid JSON"))
    }
}
