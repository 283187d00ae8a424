package import Timekeeping
package import Tools
import Traces
package import Workload

/// Runs any task's attempts: scripted tasks through `ScriptedAgentLoop`, model-driven ones
/// through `DrivenAgentLoop`.
package struct AttemptRunner: Sendable {
    private let workload: Workload
    private let scripted: ScriptedAgentLoop
    private let driven: DrivenAgentLoop
    private let replay: ReplayAgentLoop

    package init(
        workload: Workload, routes: ModelRoutes, tools: ToolRunner, clock: any RunClock,
        gateways: (any ProcessAgentGateways)? = nil
    ) {
        self.workload = workload
        scripted = ScriptedAgentLoop(workload: workload, routes: routes, tools: tools, clock: clock)
        driven = DrivenAgentLoop(workload: workload, routes: routes, tools: tools, clock: clock, gateways: gateways)
        replay = ReplayAgentLoop(workload: workload, routes: routes, clock: clock)
    }

    /// Runs the attempt; under a cascade variant, once per cascade tier until the grade passes.
    package func run(_ plan: AttemptPlan) async -> AttemptResult {
        guard let variant = plan.variant, !variant.cascade.isEmpty else { return await runOnce(plan) }
        return await runCascade(plan, variant: variant)
    }

    private func runOnce(_ plan: AttemptPlan) async -> AttemptResult {
        switch workload.tasks[plan.taskIndex].behaviour {
        case .scripted: await scripted.run(plan)
        case .driven: await driven.run(plan)
        case .replayed(let session): await replay.run(plan, session: session)
        }
    }

    /// A cascade: the attempt runs with every call on the first tier; if its grade does not pass
    /// (or, with `escalate_on`, that grader axis scores below 1),
    /// again on the next, from when the try before ended, and so on. The tries make one attempt
    /// record (scheduled at the first try, ended at the last, graded by the last); the steps of
    /// try k > 0 get ids prefixed `c<k>.` and indices after the earlier tries', so they stay unique.
    /// Each try draws the same seeds as the single-tier variant would, so the cascade's tries
    /// are the very attempts of those variants.
    private func runCascade(_ plan: AttemptPlan, variant: Variant) async -> AttemptResult {
        var stagePlan = plan
        var merged: AttemptRecord?
        var steps: [StepRecord] = []
        for (stage, tier) in variant.cascade.enumerated() {
            stagePlan.variant = variant.stage(tier)
            guard case .finished(var record, let stageSteps) = await runOnce(stagePlan) else { return .interrupted }
            let offset = (steps.map(\.index).max() ?? -1) + 1
            steps += stageSteps.map { step in
                guard stage > 0 else { return step }
                var step = step
                step.stepID = "c\(stage).\(step.stepID)"
                step.parentStepID = step.parentStepID.map { "c\(stage).\($0)" }
                // Sub-agents of each try are distinct agents; the tries' top-level agents are one
                // ("main"), whose conversation starts afresh at each try.
                if step.agentID != "main" { step.agentID = "c\(stage).\(step.agentID)" }
                step.index += offset
                return step
            }
            if let first = merged {
                record.scheduled = first.scheduled
                record.stepCount += first.stepCount
            }
            merged = record
            guard record.outcome != .cancelled else { break }
            let accepted =
                variant.escalateOn.map { (record.graderAxes[$0] ?? 0) >= 1 } ?? (record.outcome == .passed)
            guard !accepted, let end = record.end else { break }
            stagePlan.scheduled = end
        }
        guard let merged else { return .interrupted }
        return .finished(merged, steps)
    }
}
