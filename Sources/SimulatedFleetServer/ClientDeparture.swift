package import Hummingbird
package import NIOCore
import Synchronization

/// Hummingbird's request context plus the connection it arrived on, so a route can learn when
/// its client goes away.
package struct FleetRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection (an in-memory test channel under HummingbirdTesting).
    let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Tells an unstreamed reply that its client went away, so the fleet stops generating it and
/// frees its KV blocks, as vLLM aborts a request whose client disconnected.
///
/// Written by hand because Hummingbird allows half-closed connections: a client that closes
/// its socket while its reply is being generated shows only as input closed (NIO's
/// `ChannelEvent.inputClosed`); the connection stays active until the server writes.
/// Hummingbird's own `consumeWithCancellationOnInboundClose` would see it too, but it closes
/// the connection after every response, which costs keep-alive on every call. One watch sits in
/// each connection's pipeline; routes register a callback for as long as their work lasts.
final class ClientDepartureWatch: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    /// Request parts pass through unread (the default `channelRead` forwards them unwrapped).
    typealias InboundIn = Never

    private struct State {
        var departed = false
        var nextID = 0
        var callbacks: [Int: @Sendable () -> Void] = [:]
    }
    private let state = Mutex(State())

    init() {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { depart() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        depart()
        context.fireChannelInactive()
    }

    private func depart() {
        let callbacks = state.withLock { state in
            state.departed = true
            defer { state.callbacks = [:] }
            return Array(state.callbacks.values)
        }
        for callback in callbacks { callback() }
    }

    /// Runs `operation`; calls `onDeparture` (once) if the client has gone or goes before it ends.
    func whileConnected<Value: Sendable>(
        _ operation: () async -> Value, onDeparture: @escaping @Sendable () -> Void
    ) async -> Value {
        let id: Int? = state.withLock { state in
            guard !state.departed else { return nil }
            state.nextID += 1
            state.callbacks[state.nextID] = onDeparture
            return state.nextID
        }
        guard let id else {
            onDeparture()
            return await operation()
        }
        defer { _ = state.withLock { $0.callbacks.removeValue(forKey: id) } }
        return await operation()
    }

    /// The watch in `channel`'s pipeline, if the server installed one.
    static func on(_ channel: any Channel) async -> ClientDepartureWatch? {
        try? await channel.pipeline.handler(type: ClientDepartureWatch.self).get()
    }
}
