/// Which load level of a run a record belongs to: `c16` for a closed loop of 16 agents; an
/// open-loop level of arrivals at a set rate is `r2.5` (2.5 tasks per second).
///
/// Written as `level` on window and attempt records. Files from before levels had ids carry
/// only `concurrency`; their records get `c<concurrency>`, so every v1 file reads the same way.
public struct LevelID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The id as written: `c16`, `r2.5`, or any other string a file carries.
    public let rawValue: String

    /// The level with id `rawValue`, taken as written; an id of neither form has no concurrency and no rate.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A closed-loop level: `agents` workers running attempts back to back.
    public static func concurrency(_ agents: Int) -> LevelID { LevelID(rawValue: "c\(agents)") }

    /// An open-loop level: tasks arriving at `perSecond` on average.
    public static func rate(perSecond: Double) -> LevelID {
        let text = perSecond == perSecond.rounded() && abs(perSecond) < 1e15 ? String(Int64(perSecond)) : String(perSecond)
        return LevelID(rawValue: "r\(text)")
    }

    /// The number of agents of a closed-loop level.
    public var concurrency: Int? {
        rawValue.hasPrefix("c") ? Int(rawValue.dropFirst()) : nil
    }

    /// The arrival rate of an open-loop level, per second.
    public var ratePerSecond: Double? {
        rawValue.hasPrefix("r") ? Double(rawValue.dropFirst()) : nil
    }

    /// As tables print it: `c=16`, `2.5/s`, or the id itself.
    public var label: String {
        if let concurrency { return "c=\(concurrency)" }
        if ratePerSecond != nil { return "\(rawValue.dropFirst())/s" }
        return rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
