import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SimulatedFleet
import SimulatedFleetServer

/// Runs the simulated fleet on a loopback port for the duration of `body`.
func withLoopbackFleet<T: Sendable>(
    _ configuration: FleetConfiguration = .default, idleTimeout: Duration = FleetServer.defaultIdleTimeout,
    _ body: @Sendable (URL) async throws -> T
) async throws -> T {
    let logger = Logger(label: "test-fleet") { _ in SwiftLogNoOpLogHandler() }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = FleetServer(configuration: configuration, idleTimeout: idleTimeout, logger: logger) {
        continuation.yield($0); continuation.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        let result: Result<T, any Error>
        do { result = .success(try await body(URL(string: "http://127.0.0.1:\(port)/v1")!)) } catch { result = .failure(error) }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// A response's status, headers and body.
struct HTTPExchange: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// One plain HTTP request over loopback.
func exchange(_ method: String, _ url: URL, body: String? = nil) async throws -> HTTPExchange {
    try await HTTPClient.withHTTPClient { client in
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        var data = Data()
        for try await buffer in response.body { data.append(contentsOf: buffer.readableBytesView) }
        return HTTPExchange(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(decoding: data, as: UTF8.self))
    }
}

/// `name{model="x"} value` samples of a Prometheus text page, summed by name and model.
func prometheusSamples(_ text: String) -> [String: [String: Double]] {
    var samples: [String: [String: Double]] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let brace = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}"),
            let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
        else { continue }
        let name = String(line[..<brace])
        let labels = line[line.index(after: brace)..<close]
        guard let modelRange = labels.range(of: "model=\"") else { continue }
        let model = labels[modelRange.upperBound...].prefix { $0 != "\"" }
        samples[name, default: [:]][String(model), default: 0] += value
    }
    return samples
}
