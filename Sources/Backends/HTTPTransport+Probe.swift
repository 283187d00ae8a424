import AsyncHTTPClient
package import Foundation
import NIOCore
import NIOHTTP1
import Timekeeping
package import Traces

extension HTTPTransport {
    /// What a `GET` answered: a status and up to 4 MiB of body, or no answer at all.
    package enum Probe: Sendable {
        case answered(status: Int, body: Data)
        case unreachable(StepErrorType, message: String)
    }

    /// `GET {base}/{path}` with the backend's headers (and `extra`), within `timeout`: the
    /// pre-flight check's one request.
    package func probe(_ path: String, extra: [(String, String)] = [], timeout: Duration) async -> Probe {
        var request = HTTPClientRequest(url: baseURL.appendingPathComponent(path).absoluteString)
        for (name, value) in headers + extra { request.headers.add(name: name, value: value) }
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds)) } catch {
            return .unreachable(Self.classify(error), message: "\(error)")
        }
        // The server answered: a body too long or cut off is an answer without a body, not "unreachable".
        let body = (try? await response.body.collect(upTo: 4 << 20)).map { Data($0.readableBytesView) } ?? Data()
        return .answered(status: Int(response.status.code), body: body)
    }
}
