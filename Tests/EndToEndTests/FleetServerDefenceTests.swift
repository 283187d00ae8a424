import Foundation
import NIOCore
import NIOPosix
import SimulatedFleet
import TestSupport
import Testing
import Timekeeping

/// `serve-sim` as a server facing clients that misbehave: idle and half-sent connections are
/// closed, an unstreamed reply whose client left stops generating, unknown paths get an answer.
@Suite(.busy) struct FleetServerDefenceTests {
    /// Opens a raw connection to `url`'s port, writes `bytes`, and waits (up to 10 s) for the
    /// server to close it; returns how long that took, or nil if it stayed open.
    static func secondsUntilClosed(_ url: URL, writing bytes: String? = nil) async throws -> Double? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: url.port!).get()
        if let bytes { try await channel.writeAndFlush(ByteBuffer(string: bytes)) }
        let start = ContinuousClock.now
        let closed = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if !closed { try? await channel.close() }
        return closed ? (ContinuousClock.now - start).seconds : nil
    }

    @Test("a connection that sends nothing, or half a request head, is closed after the idle timeout")
    func idleConnectionsClosed() async throws {
        let (idle, halfHead) = try await withLoopbackFleet(idleTimeout: .seconds(1)) { url in
            (
                try await Self.secondsUntilClosed(url),
                try await Self.secondsUntilClosed(url, writing: "GET /health HTTP/1.1\r\nHost: x\r\n")
            )
        }
        for seconds in [idle, halfHead] {
            let seconds = try #require(seconds, "the connection was never closed")
            #expect(seconds > 0.5 && seconds < 5, "closed after \(seconds) s")
        }
    }

    @Test("an unstreamed reply whose client went away is abandoned, not generated to the end")
    func abandonedReplyCancelled() async throws {
        let abandoned = try await withLoopbackFleet { url in
            let body =
                #"{"model":"sim-large","messages":[{"role":"user","content":"hi"}],"max_tokens":20000,"ignore_eos":true}"#
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: url.port!).get()
            try await channel.writeAndFlush(
                ByteBuffer(
                    string:
                        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                ))
            try await Task.sleep(for: .milliseconds(300))
            try await channel.close()
            // 20,000 tokens take minutes at sim-large's speed: only a cancellation ends it soon.
            for _ in 0..<50 {
                let page = try await exchange("GET", url.deletingLastPathComponent().appendingPathComponent("metrics"))
                if let count = prometheusSamples(page.body)["agentperf_sim_abandoned_requests_total"]?["sim-large"], count > 0 {
                    return count
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return 0
        }
        #expect(abandoned == 1)
    }

    @Test("malformed requests get a 4xx JSON error that names the problem, and the server keeps serving")
    func malformedRequests() async throws {
        let bodies: [(String, String)] = [
            ("{not json", "invalid request body"),
            (
                #"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":9223372036854775807}"#,
                "maximum context length"
            ),
            (#"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":-5}"#, "max_tokens"),
            (#"{"model":"sim-small","messages":"hi"}"#, "messages"),
            (#"{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":1e400}"#, "invalid request body"),
            (#"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#, "nope"),
            ("", "invalid request body"),
        ]
        let (answers, health) = try await withLoopbackFleet { url in
            var answers: [HTTPExchange] = []
            for (body, _) in bodies {
                answers.append(try await exchange("POST", url.appendingPathComponent("chat/completions"), body: body))
            }
            return (answers, try await exchange("GET", url.deletingLastPathComponent().appendingPathComponent("health")))
        }
        for ((body, expected), answer) in zip(bodies, answers) {
            #expect((400..<500).contains(answer.status), "\(body.prefix(60)): \(answer.status)")
            #expect(answer.body.contains("\"error\"") && answer.body.contains(expected), "\(body.prefix(60)): \(answer.body)")
        }
        #expect(health.status == 200 && health.body == "ok")
    }

    @Test("an unknown path or method gets a JSON error naming it and the served paths")
    func unknownPath() async throws {
        let (path, method) = try await withLoopbackFleet { url in
            (
                try await exchange("POST", url.appendingPathComponent("completions"), body: "{}"),
                try await exchange("DELETE", url.appendingPathComponent("models"))
            )
        }
        #expect(path.status == 404 && method.status == 404)
        #expect(path.header("content-type") == "application/json")
        #expect(path.body.contains(#"POST \/v1\/completions"#) && path.body.contains("chat"), "\(path.body)")
        #expect(method.body.contains("DELETE"), "\(method.body)")
    }
}
