package import ArgumentParser
import Foundation
package import Thresholds
import TraceExport

/// Where else a run's figures go, and the gates they must pass: shared by `run`, `simulate`,
/// `replay` and `report`.
package struct ReportOptions: ParsableArguments {
    package init() {}

    @Option(help: "Also write a self-contained HTML report (plots and tables, no network needed) to this file.")
    package var html: String?

    @Option(help: "Also write a GitHub-flavoured Markdown summary (at most about 60 lines, for a pull request) to this file.")
    package var markdown: String?

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            """
            A gate on the figures, k6-style, repeatable: "p95_task_latency<8s", "pass_rate>0.7", \
            "cost_per_completed_task<0.02", scoped with {level:c16} or {variant:NAME}. Adds to the workload's \
            thresholds:. When one is crossed the exit code is 99.
            """, valueName: "expression"))
    package var thresholdExpressions: [String] = []

    @Option(
        help: ArgumentHelp(
            """
            Also send every step as an OpenTelemetry span (GenAI conventions: invoke_agent per attempt, chat and \
            execute_tool inside) and the headline figures as metrics to this OTLP/HTTP receiver, e.g. \
            http://localhost:4318. Headers (credentials) from $OTEL_EXPORTER_OTLP_HEADERS.
            """, valueName: "url"))
    package var otlpEndpoint: String?

    package func validate() throws {
        if let otlpEndpoint {
            do { _ = try OTLPExporter(endpoint: otlpEndpoint, environment: ProcessInfo.processInfo.environment) } catch {
                throw ValidationError("\(error)")
            }
        }
        for expression in thresholdExpressions {
            do { _ = try Threshold.parse(expression) } catch { throw ValidationError("--threshold: \(error)") }
        }
    }

    /// Refuses report paths that cannot be written, before any work is done (a run can take hours).
    package func checkPaths(inputs: [String]) throws {
        if let html { try ReportFile.check(html, inputs: inputs) }
        if let markdown { try ReportFile.check(markdown, flag: "--markdown", inputs: inputs) }
    }

    /// The `--threshold` gates (each was checked in `validate`).
    package var thresholds: [Threshold] { thresholdExpressions.compactMap { try? Threshold.parse($0) } }

    /// The exit code of a run or report whose thresholds were crossed (k6's).
    package static let thresholdsCrossedExitCode: Int32 = 99
}
