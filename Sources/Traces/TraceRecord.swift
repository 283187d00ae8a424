/// Any line of a trace file.
public enum TraceRecord: Sendable, Hashable {
    case run(RunRecord)
    case step(StepRecord)
    case attempt(AttemptRecord)
    case window(WindowRecord)
}

extension TraceRecord: Codable {
    private enum KindKey: String, CodingKey { case record }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(RecordKind.self, forKey: .record)
        switch kind {
        case .run: self = .run(try RunRecord(from: decoder))
        case .step: self = .step(try StepRecord(from: decoder))
        case .attempt: self = .attempt(try AttemptRecord(from: decoder))
        case .window: self = .window(try WindowRecord(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .run(let record): try record.encode(to: encoder)
        case .step(let record): try record.encode(to: encoder)
        case .attempt(let record): try record.encode(to: encoder)
        case .window(let record): try record.encode(to: encoder)
        }
    }
}
