import Foundation

/// A map from data values to pixels along one axis: linear, or base-10 logarithmic for values
/// that span orders of magnitude (latencies).
struct Scale {
    enum Kind { case linear, log }

    let kind: Kind
    let low: Double
    let high: Double
    let from: Double
    let to: Double

    /// A scale over `low…high` (widened when empty; log scales need positive values) onto `from…to` pixels.
    init(_ kind: Kind, _ low: Double, _ high: Double, to range: (Double, Double)) {
        var (a, b) = (low, high)
        if kind == .log {
            a = max(a, 1e-9)
            b = max(b, a)
            if b / a < 1.0001 { (a, b) = (a / 2, b * 2) }
        } else if b - a < 1e-12 {
            (a, b) = a == 0 ? (0, 1) : (min(0, a * 0.5), max(0, b * 1.5))
        }
        self.kind = kind
        self.low = a
        self.high = b
        from = range.0
        to = range.1
    }

    /// The pixel of `value`, clamped to the range (a log scale takes values ≤ 0 as its low end).
    func callAsFunction(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear: t = (value - low) / (high - low)
        case .log: t = (log10(max(value, low)) - log10(low)) / (log10(high) - log10(low))
        }
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        return from + (to - from) * clamped
    }

    /// About `count` round values inside the domain: 1-2-5 steps (linear), or powers of ten
    /// with 2 and 5 between them when the span is short (log).
    func ticks(_ count: Int = 5) -> [Double] {
        switch kind {
        case .linear:
            let raw = (high - low) / Double(max(count, 1))
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            var ticks: [Double] = []
            var value = (low / step).rounded(.up) * step
            while value <= high + step * 1e-9, ticks.count < 50 {
                ticks.append(abs(value) < step * 1e-9 ? 0 : value)
                value += step
            }
            return ticks
        case .log:
            let first = Int(floor(log10(low)))
            let last = Int(ceil(log10(high)))
            // Within a decade or two, 1-2-5 (or every digit, under one decade) keeps ticks on the axis.
            let span = log10(high) - log10(low)
            let multiples: [Double] = span < 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : last - first <= 2 ? [1, 2, 5] : [1]
            var ticks: [Double] = []
            for exponent in first...max(first, last) {
                for m in multiples {
                    let value = m * pow(10, Double(exponent))
                    if value >= low * 0.999, value <= high * 1.001 { ticks.append(value) }
                }
            }
            if ticks.count > 8 { ticks = ticks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
            return ticks.count >= 2 ? ticks : [low, high]
        }
    }
}

/// One SVG plot being drawn: a fixed view box with margins for the axes, marks added in order.
struct Chart {
    let name: String
    let width: Double
    let height: Double
    let left: Double
    let right: Double
    let top: Double
    let bottom: Double
    private(set) var body: [String] = []
    private(set) var marks = 0

    init(_ name: String, width: Double = 600, height: Double = 300, left: Double = 64, bottom: Double = 42) {
        self.name = name
        self.width = width
        self.height = height
        self.left = left
        right = 16
        top = 12
        self.bottom = bottom
    }

    /// Pixel range of the plotting area, left to right.
    var xRange: (Double, Double) { (left, width - right) }
    /// Pixel range of the plotting area, bottom to top (SVG y grows downward).
    var yRange: (Double, Double) { (height - bottom, top) }

    /// Adds a data mark: `element` gets `data-mark="kind"` and, when given, a `<title>` tooltip.
    mutating func mark(_ kind: String, _ element: String, _ attributes: [(String, String)], tooltip: String? = nil) {
        marks += 1
        let all = [("data-mark", kind)] + attributes
        if let tooltip {
            body.append(HTML.element(element, all, HTML.element("title", [], HTML.escape(tooltip))))
        } else {
            body.append(HTML.empty(element, all))
        }
    }

    /// Adds a group of shapes as one data mark (a waterfall step: its queue and its work).
    mutating func markGroup(_ kind: String, _ attributes: [(String, String)], shapes: [String], tooltip: String) {
        marks += 1
        let inner = HTML.element("title", [], HTML.escape(tooltip)) + shapes.joined()
        body.append(HTML.element("g", [("data-mark", kind)] + attributes, inner))
    }

    /// Adds markup that is not data (axes, guides, labels).
    mutating func decorate(_ markup: String) { body.append(markup) }

    /// Horizontal axis at the bottom with tick labels and a title; light vertical grid lines.
    mutating func xAxis(_ scale: Scale, ticks: [Double], label: (Double) -> String, title: String) {
        var grid = ""
        var axis = HTML.empty(
            "line", [("x1", n(left)), ("x2", n(width - right)), ("y1", n(height - bottom)), ("y2", n(height - bottom))])
        for tick in ticks {
            let x = scale(tick)
            grid += HTML.empty("line", [("x1", n(x)), ("x2", n(x)), ("y1", n(top)), ("y2", n(height - bottom))])
            axis += HTML.empty("line", [("x1", n(x)), ("x2", n(x)), ("y1", n(height - bottom)), ("y2", n(height - bottom + 4))])
            axis += HTML.element(
                "text", [("x", n(x)), ("y", n(height - bottom + 16)), ("text-anchor", "middle")], HTML.escape(label(tick)))
        }
        body.insert(HTML.element("g", [("class", "grid")], grid), at: 0)
        decorate(HTML.element("g", [("class", "axis")], axis))
        decorate(
            HTML.element(
                "text",
                [("class", "axis-title"), ("x", n((left + width - right) / 2)), ("y", n(height - 6)), ("text-anchor", "middle")],
                HTML.escape(title)))
    }

    /// Vertical axis at the left with tick labels and a rotated title; light horizontal grid lines.
    mutating func yAxis(_ scale: Scale, ticks: [Double], label: (Double) -> String, title: String) {
        var grid = ""
        var axis = HTML.empty("line", [("x1", n(left)), ("x2", n(left)), ("y1", n(top)), ("y2", n(height - bottom))])
        for tick in ticks {
            let y = scale(tick)
            grid += HTML.empty("line", [("x1", n(left)), ("x2", n(width - right)), ("y1", n(y)), ("y2", n(y))])
            axis += HTML.empty("line", [("x1", n(left - 4)), ("x2", n(left)), ("y1", n(y)), ("y2", n(y))])
            axis += HTML.element(
                "text", [("x", n(left - 7)), ("y", n(y + 3.5)), ("text-anchor", "end")], HTML.escape(label(tick)))
        }
        body.insert(HTML.element("g", [("class", "grid")], grid), at: 0)
        decorate(HTML.element("g", [("class", "axis")], axis))
        let middle = (top + height - bottom) / 2
        decorate(
            HTML.element(
                "text",
                [
                    ("class", "axis-title"), ("x", "12"), ("y", n(middle)), ("text-anchor", "middle"),
                    ("transform", "rotate(-90 12 \(n(middle)))"),
                ],
                HTML.escape(title)))
    }

    /// The figure: caption, the SVG (`class="plot"`, `data-plot`), an HTML legend and a note.
    func render(caption: String, legend: [LegendItem] = [], note: String? = nil, wide: Bool = false) -> String {
        let svg = HTML.element(
            "svg",
            [
                ("class", "plot"), ("data-plot", name), ("viewBox", "0 0 \(n(width)) \(n(height))"), ("role", "img"),
                ("aria-label", caption),
            ],
            "\n" + body.joined(separator: "\n") + "\n")
        var inner = HTML.element("figcaption", [], HTML.escape(caption)) + "\n" + svg + "\n"
        if !legend.isEmpty { inner += HTML.element("ul", [("class", "legend")], legend.map(\.markup).joined()) }
        if let note { inner += HTML.paragraph(note) }
        return HTML.element("figure", wide ? [("class", "wide")] : [], inner) + "\n"
    }

    /// A plot that has no data: its caption and "n/a — reason" in place of an empty axis (no `class="plot"`).
    static func unavailable(_ name: String, caption: String, reason: String, wide: Bool = false) -> String {
        HTML.element(
            "figure", [("class", wide ? "na wide" : "na"), ("data-plot-unavailable", name)],
            HTML.element("figcaption", [], HTML.escape(caption)) + HTML.paragraph("n/a — " + reason, classes: "na")) + "\n"
    }
}

/// A legend entry: a colour swatch (a box, a line or a dashed line) and its label.
struct LegendItem {
    enum Style { case box, line, dashed }
    var color: String
    var label: String
    var style: Style = .box

    var markup: String {
        let swatch: String
        switch style {
        case .box: swatch = HTML.element("span", [("class", "swatch"), ("style", "background:\(color)")])
        case .line: swatch = HTML.element("span", [("class", "swatch line"), ("style", "border-color:\(color)")])
        case .dashed: swatch = HTML.element("span", [("class", "swatch dashed"), ("style", "border-color:\(color)")])
        }
        return HTML.element("li", [], swatch + HTML.escape(label))
    }
}

/// Colours told apart by colour-blind readers too (Okabe–Ito), for series.
enum Palette {
    static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#000000"]
    static func color(_ index: Int) -> String { series[index % series.count] }

    /// The five components of task time, in `LatencyBreakdown.components` order.
    static let components = [
        "queue": "#B8B8B8", "prefill": "#56B4E9", "decode": "#0072B2", "tool": "#E69F00", "orchestration": "#CC79A7",
    ]
}

/// A pixel coordinate as SVG text: one decimal, never NaN or infinite.
func n(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
}

/// `points` as an SVG `points` attribute.
func pointList(_ points: [(Double, Double)]) -> String {
    points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
}
