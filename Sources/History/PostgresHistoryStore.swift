import AgentMetrics
import Foundation
import Logging
import PostgresNIO

/// The run history in a PostgreSQL database (postgres-nio), so that shards and CI jobs on many
/// machines record into one place: the same tables and migration names as `SQLiteHistoryStore`,
/// with PostgreSQL's types.
///
/// Each operation opens one connection and closes it (a CLI records a run once, lists once): a
/// wrong host or password fails at once with the server's reason, where a pool would retry for a
/// minute. Migrations run in one transaction under an advisory lock, so processes starting
/// together migrate once.
public struct PostgresHistoryStore: HistoryStore {
    public let server: PostgresLocation
    public var location: HistoryLocation { .postgres(server) }
    private let logger = Logger(label: "agentperf.history") { _ in SwiftLogNoOpLogHandler() }

    /// Connects, brings the schema up to date, and returns the store.
    public static func open(_ server: PostgresLocation) async throws(HistoryError) -> PostgresHistoryStore {
        let store = PostgresHistoryStore(server: server)
        try await store.connected { connection in try await store.migrate(connection) }
        return store
    }

    public func record(_ entry: HistoryEntry) async throws(HistoryError) -> (id: Int64, added: Bool) {
        let summaryJSON: String
        do { summaryJSON = String(decoding: try entry.summary.jsonData(), as: UTF8.self) } catch {
            throw HistoryError(path: server.description, message: "cannot encode the summary (\(error))")
        }
        return try await connected { connection in
            try await connection.withTransaction(logger: logger) { connection in
                var values = HistorySchema.runValues(entry, summaryJSON: summaryJSON)
                // A run id recorded already (by another shard's merge, or twice) is kept, not doubled.
                let insert = Self.insertion("runs", values, suffix: " ON CONFLICT (run_id) DO NOTHING RETURNING id")
                if let id = try await Self.first(Int64.self, connection.query(insert, logger: logger)) {
                    for (position, level) in entry.summary.levels.enumerated() {
                        values = try HistorySchema.levelValues(level, position: position, run: id)
                        try await connection.query(Self.insertion("levels", values), logger: logger)
                    }
                    return (id, true)
                }
                let existing = try await Self.first(
                    Int64.self, connection.query("SELECT id FROM runs WHERE run_id = \(entry.summary.runID)", logger: logger))
                return (existing ?? 0, false)
            }
        }
    }

    public func list(workload: String? = nil, limit: Int = 50) async throws(HistoryError) -> [HistoryEntry] {
        try await entries(
            where: "WHERE ($1::text IS NULL OR workload = $1) ORDER BY recorded_at DESC, id DESC LIMIT $2",
            binds: { bindings in
                bindings.append(workload)
                bindings.append(Int64(max(0, limit)))
            })
    }

    public func entry(id: Int64) async throws(HistoryError) -> HistoryEntry? {
        try await entries(where: "WHERE id = $1", binds: { $0.append(id) }).first
    }

    private func entries(
        where clause: String, binds: (inout PostgresBindings) -> Void
    ) async throws(HistoryError) -> [HistoryEntry] {
        var bindings = PostgresBindings()
        binds(&bindings)
        let query = PostgresQuery(
            unsafeSQL: "SELECT id, \(HistorySchema.runTextColumns.joined(separator: ", ")) FROM runs \(clause)", binds: bindings)
        let rows: [StoredRun] = try await connected { connection in
            var rows: [StoredRun] = []
            for try await row in try await connection.query(query, logger: logger) {
                let cells = row.makeRandomAccess()
                var text: [String: String?] = [:]
                for column in HistorySchema.runTextColumns { text[column] = .some(try cells[column].decode(String?.self)) }
                rows.append(StoredRun(id: try cells["id"].decode(Int64.self), text: text))
            }
            return rows
        }
        return try rows.map { row throws(HistoryError) in try HistorySchema.entry(from: row, path: server.description) }
    }

    // MARK: Connections

    /// Runs `body` on a new connection, closed afterwards; every failure becomes a `HistoryError`
    /// naming the server (never its password) and what it said.
    private func connected<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(HistoryError) -> T {
        let connection: PostgresConnection
        do {
            var configuration = PostgresConnection.Configuration(
                host: server.host, port: server.port, username: server.user, password: server.password,
                database: server.database, tls: try tls())
            configuration.options.connectTimeout = .seconds(10)
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw HistoryError(path: server.description, message: "cannot connect (\(Self.describe(error)))")
        }
        let result: Result<T, any Error>
        do { result = .success(try await body(connection)) } catch { result = .failure(error) }
        try? await connection.close()
        do { return try result.get() } catch let error as HistoryError { throw error } catch let error
            as PostgresTransactionError
        {
            if let refusal = error.closureError as? HistoryError { throw refusal }
            throw HistoryError(path: server.description, message: Self.describe(error))
        } catch {
            throw HistoryError(path: server.description, message: Self.describe(error))
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        switch server.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// The server's words for a failure (`PSQLError`'s own description is a placeholder), and
    /// the connection's underlying error; never the query's bind values.
    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            return describe(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "PostgreSQL: \(message)" + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }

    // MARK: Statements

    private static func insertion(_ table: String, _ values: [(String, ColumnValue)], suffix: String = "") -> PostgresQuery {
        var bindings = PostgresBindings()
        for (_, value) in values {
            switch value {
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
        return PostgresQuery(
            unsafeSQL: "INSERT INTO \(table) (\(values.map(\.0).joined(separator: ", "))) VALUES (\(placeholders))\(suffix)",
            binds: bindings)
    }

    private static func first<T: PostgresDecodable & Sendable>(_ type: T.Type, _ rows: PostgresRowSequence) async throws -> T? {
        for try await value in rows.decode(T.self) { return value }
        return nil
    }

    // MARK: Schema

    /// Each migration's statements (one per query: the extended protocol takes one at a time),
    /// the tables of `SQLiteHistoryStore.migrator` in PostgreSQL's types.
    static let migrationStatements: [String: [String]] = [
        HistorySchema.migrations[0]: [
            """
            CREATE TABLE runs (
              id BIGSERIAL PRIMARY KEY,
              run_id TEXT UNIQUE,
              source TEXT NOT NULL,
              workload TEXT,
              workload_hash TEXT,
              target TEXT,
              fleet TEXT,
              seed TEXT,
              agentperf_version TEXT,
              git_commit TEXT,
              started_at TEXT,
              recorded_at TEXT NOT NULL,
              directory TEXT,
              clock TEXT,
              summary_json TEXT NOT NULL
            )
            """,
            "CREATE INDEX runs_by_workload ON runs (workload, recorded_at)",
            """
            CREATE TABLE levels (
              run BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
              position BIGINT NOT NULL,
              label TEXT NOT NULL,
              variant TEXT,
              concurrency BIGINT,
              attempts BIGINT NOT NULL,
              passed BIGINT NOT NULL,
              pass_rate DOUBLE PRECISION,
              p50_task_latency DOUBLE PRECISION,
              p95_task_latency DOUBLE PRECISION,
              p99_task_latency DOUBLE PRECISION,
              steps_per_second DOUBLE PRECISION,
              cost_per_completed_task DOUBLE PRECISION,
              window_seconds DOUBLE PRECISION NOT NULL,
              task_latency_histogram TEXT,
              PRIMARY KEY (run, position)
            )
            """,
        ]
    ]

    /// Applies the migrations not yet applied, in one transaction under an advisory lock; a
    /// database with a migration this version does not know is refused.
    private func migrate(_ connection: PostgresConnection) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // Any 64-bit key agreed by every AgentPerf: "agentperf history" in ASCII, truncated.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x6167_656E_7470_6572)))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS agentperf_migrations (identifier TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
                logger: logger)
            var applied: [String] = []
            for try await identifier in try await connection.query(
                "SELECT identifier FROM agentperf_migrations", logger: logger
            ).decode(String.self) {
                applied.append(identifier)
            }
            let unknown = applied.filter { !HistorySchema.migrations.contains($0) }
            if !unknown.isEmpty {
                throw HistoryError(
                    path: server.description,
                    message:
                        "written by a newer AgentPerf (migrations \(unknown.joined(separator: ", "))); use that version, or another database with --history"
                )
            }
            for migration in HistorySchema.migrations where !applied.contains(migration) {
                for statement in Self.migrationStatements[migration] ?? [] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO agentperf_migrations (identifier, applied_at) VALUES (\(migration), \(Date().formatted(.iso8601)))",
                    logger: logger)
            }
        }
    }
}
