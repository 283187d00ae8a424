import AgentMetrics
import Diagnosis
import Foundation
import Harness
import Logging
import Pricing
import RunTarget
import TestSupport
import Testing
import Traces
import Workload

/// `diagnose` on the planted example and its control, both run in virtual time.
@Suite(.serialized, .busy) struct DiagnoseRunTests {
    static func run(_ example: String, variants: [String]?) async throws -> (DiagnosisInput, TemporaryDirectory) {
        let spec = try RunSpecLoader.load(contentsOf: Fixtures.packageRoot.appendingPathComponent("examples/\(example)"))
        let directory = try TemporaryDirectory("agentperf-diagnose")
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: .virtualTime,
            identity: BenchmarkRun.RunIdentity(runID: "run-\(example)", startedAt: Date(timeIntervalSince1970: 1_764_547_200)),
            variants: variants, logger: Logger(label: "diagnose") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        let log = try TraceLog.load(from: artifacts.traces)
        return (DiagnosisInput(log: log, prices: spec.workload.prices), directory)
    }

    @Test("every planted misallocation is found with its mode, tasks and attempts; money wasted is the named steps' cost")
    func planted() async throws {
        let (input, directory) = try await Self.run("misallocation.yaml", variants: [])
        defer { directory.remove() }
        let report = Diagnosis.run(input)
        func found(_ mode: FailureMode, task: String? = nil) -> Finding? {
            report.findings.first { $0.mode == mode && (task == nil || $0.tasks.contains(task!)) }
        }
        let summary = report.findings.map { "\($0.mode.rawValue) \($0.tasks)" }
        let over = try #require(found(.overRouting, task: "lookup"), "\(summary)")
        #expect(over.attempts.allSatisfy { $0.hasPrefix("large-") })
        let under = try #require(found(.underRouting, task: "hard-analysis"), "\(summary)")
        #expect(under.attempts.allSatisfy { $0.hasPrefix("small-") })
        let delegation = try #require(found(.overDelegation, task: "research"), "\(summary)")
        #expect(delegation.attempts.allSatisfy { $0.hasPrefix("large-") })
        let verification = try #require(found(.underVerification, task: "quick-edit"), "\(summary)")
        #expect(verification.confidence.heuristic)
        let cache = try #require(found(.cacheMisuse, task: "support-reply"), "\(summary)")
        #expect(cache.summary.contains("different first messages"))
        let congestion = try #require(found(.servingCongestion), "\(summary)")
        #expect(!congestion.steps.isEmpty && congestion.steps.allSatisfy { $0.attempt.contains("-c64-") })
        // No false positives among the planted: lookup is not under-routed, hard-analysis not over-routed.
        #expect(found(.underRouting, task: "lookup") == nil && found(.overRouting, task: "hard-analysis") == nil)
        let stale = try #require(found(.staleRollouts), "\(summary)")
        #expect(stale.attempts.count >= 3)
        #expect(report.unassessable.isEmpty, "\(report.unassessable)")
        // Money wasted = cost(steps) − cost(counterfactual steps), under the run's prices.
        for finding in report.findings
        where [.overRouting, .underRouting, .overDelegation, .underVerification].contains(finding.mode) {
            let cost = input.cost(of: finding.steps) - input.cost(of: finding.counterfactualSteps)
            #expect(abs(cost - finding.moneyWasted) < 1e-9, "\(finding.mode) \(finding.tasks)")
            #expect(finding.moneyWasted > 0 && !finding.steps.isEmpty)
        }
        // Ranked by money wasted.
        #expect(report.findings.map(\.moneyWasted) == report.findings.map(\.moneyWasted).sorted(by: >))
        #expect(report.ledger.contains { $0.use.hasPrefix("route: large over small") && ($0.surplus ?? 0) != 0 })
    }

    @Test("RL-style rollouts on the fleet: attempts carry policy and consumer versions, and the lagging ones are stale")
    func rollouts() async throws {
        let (input, directory) = try await Self.run("rollouts.yaml", variants: nil)
        defer { directory.remove() }
        let attempts = input.log.attempts.filter { !$0.record.isWarmup }
        #expect(attempts.allSatisfy { $0.record.policyVersion != nil && $0.record.consumedVersion != nil })
        // Consumed in order, one update per 8: the versions consumed run 0, 0, …, 1, … in completion order.
        let consumed = attempts.compactMap(\.record.consumedVersion)
        #expect(consumed == consumed.sorted() && consumed.last == (attempts.count - 1) / 8, "\(consumed)")
        let report = Diagnosis.run(input)
        let stale = try #require(report.findings.first { $0.mode == .staleRollouts })
        let lagging = attempts.filter { ($0.record.consumedVersion ?? 0) - ($0.record.policyVersion ?? 0) > 1 }
        #expect(Set(stale.attempts) == Set(lagging.map(\.record.attemptID)))
        #expect(abs(input.cost(of: stale.steps) - stale.moneyWasted) < 1e-9)
    }

    @Test("without a single-agent baseline, delegating attempts are compared with the run's single-agent ones, as a heuristic")
    func delegationWithoutBaseline() async throws {
        let yaml = """
            name: fan-out
            seed: 4
            load: {concurrency: [4], attempts: 24, attempt_timeout: 120s}
            tasks:
              - name: alone
                system_prompt_tokens: 500
                pass_probability: {large: 0.8}
                steps:
                  - model: {tier: large, output_tokens: 40}
              - name: with-readers
                system_prompt_tokens: 500
                pass_probability: {large: 0.8}
                steps:
                  - fanout:
                      agents: 3
                      name: reader
                      task_prompt_tokens: 3000
                      steps:
                        - model: {tier: large, use: read, output_tokens: 60}
                  - model: {tier: large, output_tokens: 40}
            """
        let spec = try RunSpecLoader.load(yaml: yaml, source: "fan-out.yaml")
        let directory = try TemporaryDirectory("agentperf-diagnose")
        defer { directory.remove() }
        let artifacts = try await BenchmarkRun(
            spec: spec, outputDirectory: directory.url, timebase: .virtualTime,
            identity: BenchmarkRun.RunIdentity(runID: "run-fan-out", startedAt: Date(timeIntervalSince1970: 1_764_547_200)),
            logger: Logger(label: "diagnose") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        let input = DiagnosisInput(log: try TraceLog.load(from: artifacts.traces), prices: spec.workload.prices)
        let report = Diagnosis.run(input)
        let finding = try #require(report.findings.first { $0.mode == .overDelegation }, "\(report.findings.map(\.summary))")
        #expect(finding.confidence.heuristic && finding.tasks == ["with-readers"])
        #expect(finding.steps.allSatisfy { $0.step.contains(".a") || !$0.step.contains(".") })
        #expect(abs(input.cost(of: finding.steps) - finding.moneyWasted) < 1e-12)
    }

    @Test("the control reports no finding, and says what it cannot assess")
    func control() async throws {
        let (input, directory) = try await Self.run("control.yaml", variants: nil)
        defer { directory.remove() }
        let report = Diagnosis.run(input)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.mode.rawValue): \($0.summary)" })")
        let unassessable = Set(report.unassessable.map(\.mode))
        #expect(unassessable.isSuperset(of: [.overRouting, .underRouting, .servingCongestion, .staleRollouts]))
        #expect(report.unassessable.allSatisfy { !$0.needs.isEmpty })
        #expect(report.clear.contains(.underVerification) && report.clear.contains(.overDelegation))
    }
}
