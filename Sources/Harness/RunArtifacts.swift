package import Foundation
package import Logging
import Pricing
import ServiceLifecycle
import SimulatedFleet
import SimulatedFleetServer
import Traces

/// Files a run leaves in its output directory.
package struct RunArtifacts: Sendable, Hashable {
    package var directory: URL
    package var traces: URL
    package var config: URL
    package var prices: URL
    package var runID: String
    /// True when the run was stopped (Ctrl-C) before all levels finished.
    package var interrupted: Bool

    /// Creates `directory` with the run's `config.json` (what `config` encodes) and
    /// `prices.json`; refuses a directory that already holds a run, whose traces are the only
    /// record of it.
    static func prepare(
        _ directory: URL, runID: String?, prices: PriceTable, config: (JSONEncoder) throws -> Data
    ) throws(HarnessError) -> RunArtifacts {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.appendingPathComponent(RunDirectory.traces).path) {
            throw .cannotCreateOutput(
                path: directory.path,
                reason: "it already holds a run (\(RunDirectory.traces)); choose another --out, or remove that directory")
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try config(encoder).write(to: directory.appendingPathComponent(RunDirectory.config))
            try prices.write(to: directory.appendingPathComponent(RunDirectory.prices))
        } catch {
            throw .cannotCreateOutput(path: directory.path, reason: FileErrors.describe(error))
        }
        let stamp = Date().formatted(
            .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
        return RunArtifacts(
            directory: directory, traces: directory.appendingPathComponent(RunDirectory.traces),
            config: directory.appendingPathComponent(RunDirectory.config),
            prices: directory.appendingPathComponent(RunDirectory.prices),
            runID: runID ?? "run-\(stamp)-\(UInt32.random(in: 0...UInt32.max) % 0xFFFF)", interrupted: false)
    }
}

/// Starts servers a run needs (the built-in fleet's HTTP front, recording gateways) on loopback ports.
enum LoopbackServers {
    /// Starts the simulated fleet in a service group run by a child task; returns the group
    /// (to shut it down gracefully) and the port it listens on.
    static func startFleet(
        _ fleet: FleetConfiguration, logger: Logger, in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> (ServiceGroup, Int) {
        try await start(logger: logger, in: &group) { onListening in
            FleetServer(configuration: fleet, host: "127.0.0.1", port: 0, logger: logger, onListening: onListening)
        }
    }

    /// Starts the service `make` builds (handing it the callback that receives its port) in a
    /// service group run by a child task; returns the group and the port.
    static func start<Server: Service>(
        logger: Logger, in group: inout ThrowingTaskGroup<Void, any Error>,
        _ make: (_ onListening: @escaping @Sendable (Int) async -> Void) -> Server
    ) async throws -> (ServiceGroup, Int) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = make { port in
            continuation.yield(port)
            continuation.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [server], logger: logger))
        group.addTask {
            defer { continuation.finish() }
            try await services.run()
        }
        for await port in ports { return (services, port) }
        throw HarnessError.fleetFailed("a loopback server stopped before it was listening")
    }
}
