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

    package init(workload: Workload, routes: ModelRoutes, tools: ToolRunner, clock: any RunClock) {
        self.workload = workload
        scripted = ScriptedAgentLoop(workload: workload, routes: routes, tools: tools, clock: clock)
        driven = DrivenAgentLoop(workload: workload, routes: routes, tools: tools, clock: clock)
    }

    package func run(_ plan: AttemptPlan) async -> AttemptResult {
        switch workload.tasks[plan.taskIndex].behaviour {
        case .scripted: await scripted.run(plan)
        case .driven: await driven.run(plan)
        }
    }
}
