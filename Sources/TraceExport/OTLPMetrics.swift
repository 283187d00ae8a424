package import AgentMetrics
package import Foundation
import Traces

/// A run's headline figures per level as OTLP gauges (`agentperf.task.duration.p95`, …), each
/// data point stamped at the end of the run's window and labelled with its level (and variant).
/// A figure that is n/a is not sent, never sent as 0.
package enum OTLPMetrics {
    package static func request(_ summary: RunSummary, windowEnds: [String: Date], version: String) -> OTLPJSON.MetricsRequest {
        typealias Figure = (name: String, description: String, unit: String, value: (LevelSummary) -> Double?)
        let figures: [Figure] = [
            ("agentperf.task.duration.p50", "Task latency p50 (tools included)", "s", { $0.taskLatency.p50 }),
            ("agentperf.task.duration.p95", "Task latency p95 (tools included)", "s", { $0.taskLatency.p95 }),
            ("agentperf.task.duration.p99", "Task latency p99 (tools included)", "s", { $0.taskLatency.p99 }),
            ("agentperf.steps.rate", "Completed steps per second in the window", "{step}/s", { $0.steps.perSecond }),
            ("agentperf.task.pass_rate", "Passed ÷ measured attempts", "1", { $0.passRate.rate }),
            ("agentperf.task.cost", "Cost per completed task (failures charged)", "USD", { $0.cost.pricedPerCompletedTask }),
            ("agentperf.concurrency.achieved", "Time-average attempts in flight", "{attempt}", { $0.achievedConcurrency }),
            ("agentperf.attempts", "Measured attempts", "{attempt}", { Double($0.attempts.total) }),
        ]
        let resource = OTLPJSON.Resource(attributes: [
            .init("service.name", .string("agentperf")), .init("agentperf.run_id", .string(summary.runID ?? "")),
            .init("agentperf.workload", .string(summary.workload ?? "")),
        ])
        let metrics = figures.compactMap { figure -> OTLPJSON.Metric? in
            let points = summary.levels.compactMap { level -> OTLPJSON.NumberDataPoint? in
                guard let value = figure.value(level), value.isFinite else { return nil }
                var attributes: [OTLPJSON.KeyValue] = [.init("agentperf.level", .string(level.level?.rawValue ?? level.label))]
                if let variant = level.variant { attributes.append(.init("agentperf.variant", .string(variant))) }
                // The window's end on the wall clock; a level without one is stamped at the run's start.
                let end =
                    windowEnds[(level.level?.rawValue ?? "") + "/" + (level.variant ?? "")] ?? windowEnds.values.min()
                    ?? Date(timeIntervalSince1970: 0)
                let seconds = min(max(end.timeIntervalSince1970, 0), 9.2e9)
                let nanos = Int64((seconds * 1e9).rounded(.down))
                return OTLPJSON.NumberDataPoint(attributes: attributes, timeUnixNano: String(nanos), asDouble: value)
            }
            return points.isEmpty
                ? nil
                : OTLPJSON.Metric(
                    name: figure.name, description: figure.description, unit: figure.unit, gauge: .init(dataPoints: points))
        }
        return OTLPJSON.MetricsRequest(resourceMetrics: [
            .init(resource: resource, scopeMetrics: [.init(scope: .init(name: "agentperf", version: version), metrics: metrics)])
        ])
    }
}
