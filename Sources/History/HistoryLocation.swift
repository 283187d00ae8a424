public import Foundation

/// Where the run history lives (`--history`, `AGENTPERF_HISTORY`): a SQLite file, or a
/// PostgreSQL database that shards and CI jobs on many machines write to.
public enum HistoryLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(URL)
    /// A PostgreSQL database (`postgres://user:password@host:port/database`).
    case postgres(PostgresLocation)

    /// `postgres://…` or `postgresql://…` (any case) is a PostgreSQL database; any other
    /// `scheme:` is refused (without repeating the text, which may hold a password); the rest
    /// is a file path.
    public init(parsing text: String) throws(HistoryError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(parsing: "postgres" + trimmed.drop { $0 != ":" }))
            return
        }
        // `postgres:/host/db`, `mysql://…`: a URL, not a path; never create a directory named after it.
        if let colon = lowered.firstIndex(of: ":"), lowered[..<colon].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "-" }),
            !lowered[..<colon].isEmpty, lowered[colon...].hasPrefix(":/")
        {
            throw HistoryError(
                path: String(lowered[..<colon]) + ":…",
                message: "not a history location: expected a file path or postgres://user:password@host:5432/database")
        }
        self = .sqlite(URL(fileURLWithPath: text))
    }

    /// The file path, or the URL without its password: what messages name.
    public var description: String {
        switch self {
        case .sqlite(let url): url.path
        case .postgres(let location): location.description
        }
    }
}

/// A PostgreSQL server and database, with the credentials to reach it.
///
/// The password is kept for connecting only: `description` (used in every message) leaves it out.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `sslmode=disable`, `prefer` (the default: TLS when the server offers it) or `require`.
    public var tls: TLSMode

    /// How the connection uses TLS, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
    }

    /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=…]`; the error names what
    /// is missing and never repeats the password.
    public init(parsing text: String) throws(HistoryError) {
        func failure(_ problem: String) -> HistoryError {
            HistoryError(
                path: "postgres://…",
                message: "\(problem); expected postgres://user:password@host:5432/database (sslmode=disable|prefer|require)")
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw failure("not a URL with a host")
        }
        guard let user = components.user, !user.isEmpty else { throw failure("no user name") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw failure("no database name after the host") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw failure("port \(port) out of range") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw failure("unknown parameter \(item.name)") }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw failure("sslmode \(item.value ?? "") is not disable, prefer or require")
            }
            tls = mode
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = database
        self.tls = tls
    }

    /// `postgres://user@host:port/database`: no password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
