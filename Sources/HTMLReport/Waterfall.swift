import Reports
import Traces

/// One attempt on a timeline: every step a row from the attempt's scheduled start, sub-agent
/// steps indented under the delegation that started them, queue time shaded, model work
/// (prefill light, decode dark) and tool work coloured apart.
enum Waterfall {
    static let maxRows = 400

    /// The slowest and the median measured attempt (by task latency) of `attempts`, each drawn.
    static func slowestAndMedian(_ attempts: [LoggedAttempt]) -> String {
        let timed = attempts.filter { $0.record.latency != nil }.sorted {
            ($0.record.latency ?? 0, $0.record.attemptID) < ($1.record.latency ?? 0, $1.record.attemptID)
        }
        guard let slowest = timed.last else {
            return Chart.unavailable(
                "waterfall", caption: "Waterfall of one attempt", reason: "no measured attempt has a scheduled start and an end",
                wide: true)
        }
        let median = timed[(timed.count - 1) / 2]
        var out = render(slowest, caption: "Waterfall of the slowest attempt")
        if median.record.attemptID != slowest.record.attemptID {
            out += render(median, caption: "Waterfall of the median attempt")
        }
        return out
    }

    /// A step and how deep it sits (0: the main agent; 1: a sub-agent of a main-agent delegation; …).
    struct Row {
        let step: StepRecord
        let depth: Int
    }

    /// Steps in reading order: each agent's steps by start, a delegation's sub-agents (one
    /// after another, by agent id) right under it.
    static func rows(_ steps: [StepRecord]) -> [Row] {
        let ids = Set(steps.map(\.stepID))
        var children: [String: [StepRecord]] = [:]
        var top: [StepRecord] = []
        for step in steps {
            if let parent = step.parentStepID, ids.contains(parent) {
                children[parent, default: []].append(step)
            } else {
                top.append(step)
            }
        }
        func ordered(_ steps: [StepRecord]) -> [StepRecord] {
            steps.sorted {
                ($0.agentID, $0.timing.scheduled ?? .max, $0.index, $0.stepID) < (
                    $1.agentID, $1.timing.scheduled ?? .max, $1.index, $1.stepID
                )
            }
        }
        var rows: [Row] = []
        var visited: Set<String> = []
        func visit(_ steps: [StepRecord], depth: Int) {
            for step in ordered(steps) where visited.insert(step.stepID).inserted {
                rows.append(Row(step: step, depth: depth))
                if let sub = children[step.stepID] { visit(sub, depth: depth + 1) }
            }
        }
        visit(top, depth: 0)
        return rows
    }

    static func render(_ attempt: LoggedAttempt, caption: String) -> String {
        let record = attempt.record
        let all = rows(attempt.steps)
        let drawn = Array(all.filter { $0.step.timing.end != nil }.prefix(maxRows))
        let origin = record.scheduled ?? attempt.steps.compactMap(\.timing.scheduled).min() ?? 0
        let finish = [record.end ?? origin] + drawn.compactMap(\.step.timing.end)
        let span = Double((finish.max() ?? origin) - origin) / 1e9
        let title =
            "\(caption): \(record.task) · attempt \(record.attemptID)\(record.level.map { " · \($0.label)" } ?? "")\(record.variant.map { " · \($0)" } ?? "") · \(record.outcome.rawValue) · \(Format.seconds(record.latency.map { Double($0) / 1e9 }))"
        guard !drawn.isEmpty else {
            return Chart.unavailable(
                "waterfall", caption: title, reason: "the attempt's steps carry no end timestamps", wide: true)
        }
        let row = 17.0
        let labelWidth = 260.0
        var chart = Chart("waterfall", width: 1100, height: 64 + row * Double(drawn.count), left: labelWidth, bottom: 40)
        let x = Scale(.linear, 0, max(span, 1e-6), to: chart.xRange)
        chart.xAxis(x, ticks: x.ticks(8), label: { Format.seconds($0) }, title: "seconds from the attempt's scheduled start")
        func at(_ ns: Int64) -> Double { x(Double(ns - origin) / 1e9) }
        for (index, entry) in drawn.enumerated() {
            let step = entry.step
            let y = chart.top + 4 + row * Double(index)
            let indent = 6 + 14 * Double(min(entry.depth, 8))
            let name = label(step)
            let room = max(6, Int((labelWidth - indent - 12) / 6.3))
            chart.decorate(
                HTML.element(
                    "text", [("x", n(indent)), ("y", n(y + row * 0.7))],
                    HTML.escape(name.count > room ? String(name.prefix(room - 1)) + "…" : name)))
            guard let end = step.timing.end else { continue }
            let scheduled = step.timing.scheduled ?? step.timing.sent ?? end
            let sent = max(scheduled, step.timing.sent ?? scheduled)
            let admitted = min(end, sent + (step.operation.family == .model ? (step.timing.serverQueue ?? 0) : 0))
            let top = y + 2
            let height = row - 5
            func box(_ from: Int64, _ to: Int64, _ fill: String, extra: [(String, String)] = []) -> String {
                HTML.empty(
                    "rect",
                    [
                        ("x", n(at(from))), ("y", n(top)), ("width", n(max(1, at(to) - at(from)))), ("height", n(height)),
                        ("fill", fill),
                    ] + extra)
            }
            var shapes: [String] = []
            if admitted > scheduled { shapes.append(box(scheduled, admitted, "#D9D9D9", extra: [("data-part", "queue")])) }
            switch step.operation.family {
            case .model:
                if let first = step.timing.firstToken, first > admitted, first < end {
                    shapes.append(box(admitted, first, "#56B4E9", extra: [("data-part", "prefill")]))
                    shapes.append(box(first, end, "#0072B2", extra: [("data-part", "decode")]))
                } else {
                    shapes.append(box(admitted, end, "#56B4E9", extra: [("data-part", "model")]))
                }
            case .tool: shapes.append(box(admitted, end, "#E69F00", extra: [("data-part", "tool")]))
            case .delegation:
                shapes.append(
                    box(
                        admitted, end, "#F2E6EE",
                        extra: [("data-part", "delegation"), ("stroke", "#CC79A7"), ("stroke-width", "1")]))
            case .decision: shapes.append(box(admitted, end, "#7F7F7F", extra: [("data-part", "decision")]))
            }
            if step.errorType != nil {
                shapes.append(
                    box(scheduled, end, "none", extra: [("stroke", "#D55E00"), ("stroke-width", "2"), ("data-part", "error")]))
            }
            chart.markGroup(
                "step", [("data-step", step.stepID), ("data-depth", String(entry.depth))], shapes: shapes,
                tooltip: tooltip(step, origin: origin))
        }
        if let end = record.end {
            chart.decorate(
                HTML.empty(
                    "line",
                    [
                        ("x1", n(at(end))), ("x2", n(at(end))), ("y1", n(chart.top)), ("y2", n(chart.height - chart.bottom)),
                        ("stroke", "#333"), ("stroke-dasharray", "3 3"),
                    ]))
        }
        var notes = [
            "Rows in reading order; a delegation's sub-agent steps are indented under it. The dashed line is the attempt's end."
        ]
        let untimed = all.count - all.filter { $0.step.timing.end != nil }.count
        if untimed > 0 { notes.append("\(untimed) step\(untimed == 1 ? "" : "s") without an end timestamp not drawn.") }
        if all.count - untimed > maxRows { notes.append("Only the first \(maxRows) steps are drawn.") }
        let legend = [
            LegendItem(color: "#D9D9D9", label: "queue (scheduled → sent, plus the server's admission wait)"),
            LegendItem(color: "#56B4E9", label: "model: prefill"), LegendItem(color: "#0072B2", label: "model: decode"),
            LegendItem(color: "#E69F00", label: "tool"), LegendItem(color: "#CC79A7", label: "delegation (waits for sub-agents)"),
            LegendItem(color: "#D55E00", label: "step error (outline)"),
        ]
        return chart.render(caption: title, legend: legend, note: notes.joined(separator: " "), wide: true)
    }

    /// `s3.a1.s2 researcher · web_search`: the step id, the sub-agent's name, and what it called.
    static func label(_ step: StepRecord) -> String {
        let what = step.toolName ?? step.model ?? step.operation.rawValue
        let agent = step.agentID == "main" ? "" : (step.agentName.map { "\($0) · " } ?? "")
        return "\(step.stepID) \(agent)\(what)"
    }

    static func tooltip(_ step: StepRecord, origin: Int64) -> String {
        var parts = [step.stepID, step.operation.rawValue]
        if let name = step.agentName { parts.append("agent \(name)") }
        if let model = step.model { parts.append(model) }
        if let tool = step.toolName { parts.append(tool) }
        let t = step.timing
        if let scheduled = t.scheduled { parts.append("starts at +\(Format.seconds(Double(scheduled - origin) / 1e9))") }
        if let scheduled = t.scheduled, let sent = t.sent {
            let serverQueue = step.operation.family == .model ? (t.serverQueue ?? 0) : 0
            parts.append("queue \(Format.seconds(Double(sent - scheduled + serverQueue) / 1e9))")
        }
        if let sent = t.sent, let first = t.firstToken { parts.append("TTFT \(Format.seconds(Double(first - sent) / 1e9))") }
        if let sent = t.sent, let end = t.end { parts.append("sent → end \(Format.seconds(Double(end - sent) / 1e9))") }
        if let usage = step.usage { parts.append("\(usage.totalInput) in / \(usage.output) out tokens") }
        if let error = step.errorType {
            parts.append("error \(error.rawValue)" + (step.errorMessage.map { ": \($0)" } ?? ""))
        }
        return parts.joined(separator: " · ")
    }
}
