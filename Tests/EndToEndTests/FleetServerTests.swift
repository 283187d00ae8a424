import AsyncHTTPClient
import Backends
import Foundation
import SimulatedFleet
import TestSupport
import Testing
import Timekeeping
import Traces
import WireFormats

/// The simulated fleet's HTTP surface, over a real loopback socket.
@Suite(.busy) struct FleetServerTests {
    @Test("/v1/models lists the default fleet's three models")
    func models() async throws {
        let response = try await withLoopbackFleet { try await exchange("GET", $0.appendingPathComponent("models")) }
        let list = try JSONDecoder().decode(OpenAIModelList.self, from: Data(response.body.utf8))
        #expect(list.data.map(\.id) == ["sim-small", "sim-large", "sim-embed"])
    }

    @Test("a non-streamed completion returns exactly max_tokens with ignore_eos, and usage")
    func nonStreamed() async throws {
        let body =
            #"{"model":"sim-small","messages":[{"role":"user","content":"one two three"}],"max_tokens":7,"ignore_eos":true}"#
        let response = try await withLoopbackFleet {
            try await exchange("POST", $0.appendingPathComponent("chat/completions"), body: body)
        }
        #expect(response.status == 200)
        let completion = try JSONDecoder().decode(OpenAIChat.Response.self, from: Data(response.body.utf8))
        #expect(completion.usage?.completionTokens == 7)
        #expect(completion.usage?.promptTokens == 5)  // user marker + 3 words + assistant marker
        #expect(completion.choices.first?.message.content?.split(separator: " ").count == 7)
        #expect(response.header("server-timing")?.hasPrefix("queue;dur=") == true)
    }

    @Test("a stream sends the role, one delta per token, a finish chunk, usage if asked, and [DONE]")
    func streamed() async throws {
        let body: @Sendable (Bool) -> String = { usage in
            #"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":\#(usage)}}"#
        }
        let (withUsage, without) = try await withLoopbackFleet { url in
            (
                try await exchange("POST", url.appendingPathComponent("chat/completions"), body: body(true)),
                try await exchange("POST", url.appendingPathComponent("chat/completions"), body: body(false))
            )
        }
        #expect(withUsage.header("content-type") == "text/event-stream")
        var parser = ServerSentEventParser()
        let events = parser.parse(Array(withUsage.body.utf8))
        let expectedWithUsage = 7  // role, four tokens, finish, usage, [DONE] minus nothing: 1 + 4 + 1 + 1
        #expect(events.count == expectedWithUsage + 1)
        #expect(events.last?.data == "[DONE]")
        let usage = try JSONDecoder().decode(OpenAIChat.Chunk.self, from: Data(events[6].data.utf8)).usage
        #expect(usage?.completionTokens == 4)
        var other = ServerSentEventParser()
        let withoutUsage = other.parse(Array(without.body.utf8))
        #expect(withoutUsage.count == expectedWithUsage)
    }

    @Test("errors come back as OpenAI error bodies with the right status")
    func errors() async throws {
        let (unknown, malformed, tooLong, wrongKind) = try await withLoopbackFleet { url in
            let chat = url.appendingPathComponent("chat/completions")
            return (
                try await exchange("POST", chat, body: #"{"model":"gpt-9","messages":[]}"#),
                try await exchange("POST", chat, body: #"{"model":"sim-small","messages":"hello"}"#),
                try await exchange(
                    "POST", chat, body: #"{"model":"sim-small","messages":[{"role":"user","content":"x"}],"max_tokens":200000}"#),
                try await exchange("POST", url.appendingPathComponent("embeddings"), body: #"{"model":"sim-small","input":"x"}"#)
            )
        }
        #expect(unknown.status == 404)
        #expect(try JSONDecoder().decode(OpenAIErrorBody.self, from: Data(unknown.body.utf8)).error.code == "model_not_found")
        #expect(malformed.status == 400)
        #expect(malformed.body.contains("messages"))
        #expect(tooLong.status == 400)
        #expect(tooLong.body.contains("maximum context length is 131072 tokens"))
        #expect(wrongKind.status == 400)
    }

    @Test("embeddings return one unit vector per input with prompt-token usage")
    func embeddings() async throws {
        let body = #"{"model":"sim-embed","input":["alpha beta","gamma"]}"#
        let response = try await withLoopbackFleet {
            try await exchange("POST", $0.appendingPathComponent("embeddings"), body: body)
        }
        let decoded = try JSONDecoder().decode(OpenAIEmbeddings.Response.self, from: Data(response.body.utf8))
        #expect(decoded.data.count == 2)
        #expect(decoded.data.allSatisfy { $0.embedding.count == 1024 })
        #expect(decoded.usage.promptTokens == 3)
    }

    @Test("rerank scores documents against the query (shared words first), with usage, through the rerank backend")
    func rerank() async throws {
        let result = try await withLoopbackFleet { url in
            try await HTTPClient.withHTTPClient { client in
                let transport = HTTPTransport(baseURL: url, client: client, clock: ContinuousRunClock())
                return await OpenAIBackend(transport: transport, providerName: "fleet").rerank(
                    RerankCall(
                        model: "sim-embed", query: "return policy for unopened items",
                        documents: ["Shipping takes two days.", "Unopened items have a 30 day return policy.", "Kettles boil."]),
                    deadline: 30_000_000_000)
            }
        }
        #expect(result.errorType == nil, "\(result.errorMessage ?? "")")
        #expect(result.ranking.first == 1)
        #expect(result.ranking.count == 3)
        // Each document is encoded with the query: 5 query tokens × 3 + the documents' own.
        #expect(result.usage?.totalInput == 5 * 3 + 4 + 8 + 2)
    }
}
