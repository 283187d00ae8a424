/// The parts of OTLP/JSON (opentelemetry-proto's JSON mapping, with OTLP's exceptions: hex ids,
/// int64 as strings, enums as numbers) that AgentPerf sends. Hand-written because the listed
/// OpenTelemetry package (swift-otel) draws random ids (a re-export would duplicate a run),
/// reports export failures only to a log, and in its JSON mode writes ids in base64; what is
/// needed here is a few `Encodable` structs.
package enum OTLPJSON {
    /// `ExportTraceServiceRequest`.
    package struct TraceRequest: Encodable, Sendable {
        var resourceSpans: [ResourceSpans]
    }

    struct ResourceSpans: Encodable, Sendable {
        var resource: Resource
        var scopeSpans: [ScopeSpans]
    }

    struct Resource: Encodable, Sendable {
        var attributes: [KeyValue]
    }

    struct Scope: Encodable, Sendable {
        var name: String
        var version: String
    }

    struct ScopeSpans: Encodable, Sendable {
        var scope: Scope
        var spans: [Span]
    }

    struct Span: Encodable, Sendable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String
        /// INTERNAL = 1, CLIENT = 3.
        var kind: Int
        var startTimeUnixNano: String
        var endTimeUnixNano: String
        var attributes: [KeyValue]
        var events: [Event]?
        var status: Status?
    }

    struct Event: Encodable, Sendable {
        var timeUnixNano: String
        var name: String
    }

    struct Status: Encodable, Sendable {
        /// OK = 1, ERROR = 2.
        var code: Int
        var message: String?
    }

    /// `ExportMetricsServiceRequest`.
    package struct MetricsRequest: Encodable, Sendable {
        var resourceMetrics: [ResourceMetrics]
    }

    struct ResourceMetrics: Encodable, Sendable {
        var resource: Resource
        var scopeMetrics: [ScopeMetrics]
    }

    struct ScopeMetrics: Encodable, Sendable {
        var scope: Scope
        var metrics: [Metric]
    }

    struct Metric: Encodable, Sendable {
        var name: String
        var description: String
        var unit: String
        var gauge: Gauge
    }

    struct Gauge: Encodable, Sendable {
        var dataPoints: [NumberDataPoint]
    }

    struct NumberDataPoint: Encodable, Sendable {
        var attributes: [KeyValue]
        var timeUnixNano: String
        var asDouble: Double
    }

    struct KeyValue: Encodable, Sendable {
        var key: String
        var value: AnyValue

        init(_ key: String, _ value: AnyValue) {
            self.key = key
            self.value = value
        }
    }

    enum AnyValue: Encodable, Sendable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)

        private enum CodingKeys: String, CodingKey { case stringValue, intValue, doubleValue, boolValue }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .string(let text): try c.encode(text, forKey: .stringValue)
            // int64 travels as a decimal string in OTLP/JSON.
            case .int(let number): try c.encode(String(number), forKey: .intValue)
            case .double(let number): try c.encode(number, forKey: .doubleValue)
            case .bool(let flag): try c.encode(flag, forKey: .boolValue)
            }
        }
    }
}
