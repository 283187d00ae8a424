/// One self-contained HTML document: inline CSS, inline SVG, no script, no external resource
/// (no font, stylesheet, image or link that leaves the file), so it reads the same offline.
struct Page {
    /// The document title (escaped when written).
    var title: String
    /// Lines under the title: what the report is of (escaped when written).
    var subtitle: [String] = []
    /// Sections as markup, in order.
    var sections: [String] = []
    /// Metrics the page's tables link to, in first-use order; the page ends with their definitions.
    var definitions: [Definition] = []

    init(title: String) { self.title = title }

    mutating func add(_ section: String) { sections.append(section) }

    /// A link to `definition` in the page's Definitions section, with its short text as a tooltip.
    mutating func link(_ definition: Definition, _ label: String? = nil, classes: String = "metric") -> String {
        if !definitions.contains(definition) { definitions.append(definition) }
        return HTML.element(
            "a", [("href", "#def-\(definition.id)"), ("title", definition.text), ("class", classes)],
            HTML.escape(label ?? definition.name))
    }

    func render() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(HTML.escape(title))</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n<main>\n"
        out += HTML.element("h1", [], HTML.escape(title)) + "\n"
        for line in subtitle { out += HTML.paragraph(line, classes: "subtitle") + "\n" }
        out += sections.joined()
        if !definitions.isEmpty {
            let items = definitions.map { definition in
                HTML.element("dt", [("id", "def-\(definition.id)")], HTML.escape(definition.name))
                    + HTML.element(
                        "dd", [],
                        HTML.escape(definition.text) + " "
                            + HTML.element("span", [("class", "source")], HTML.escape("(\(definition.reference))")))
            }
            let intro = HTML.paragraph(
                "Short definitions of the figures above; the full ones are in the repository's docs/METRICS.md, under the section named after each."
            )
            out += HTML.section("definitions", "Definitions", intro + HTML.element("dl", [], items.joined(separator: "\n")))
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static let style = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 40px; }
        h1 { font-size: 22px; margin: 8px 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
        p.subtitle { margin: 2px 0; color: var(--muted); }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 18px; }
        figure { margin: 0; padding: 10px 12px; border: 1px solid var(--rule); border-radius: 6px; background: #fff; }
        figure.wide { grid-column: 1 / -1; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        figure p { margin: 4px 0 0; color: var(--muted); font-size: 12.5px; }
        figure.na p.na { color: var(--ink); font-size: 14px; }
        svg.plot { width: 100%; height: auto; display: block; }
        svg.plot text { font-size: 11px; fill: #333; }
        svg.plot .axis line, svg.plot .axis path { stroke: #888; }
        svg.plot .grid line { stroke: #e6e6e6; }
        svg.plot .axis-title { font-size: 11.5px; fill: #444; }
        ul.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12.5px; }
        ul.legend li { display: flex; align-items: center; gap: 5px; }
        .swatch { display: inline-block; width: 18px; height: 10px; border-radius: 2px; }
        .swatch.line { height: 0; border-top: 2.5px solid; border-radius: 0; }
        .swatch.dashed { height: 0; border-top: 2.5px dashed; border-radius: 0; }
        table.figures { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
        table.figures th, table.figures td { padding: 3px 10px; border-bottom: 1px solid #eaeef2; text-align: right; vertical-align: top; }
        table.figures th:first-child, table.figures td:first-child { text-align: left; }
        table.figures td.text, table.figures th.text { text-align: left; }
        table.figures tr.section td { background: var(--band); font-weight: 600; text-align: left; }
        table.findings th, table.findings td { text-align: left; }
        table.findings td:nth-child(n+6) { min-width: 14em; }
        table.figures td.indent { padding-left: 24px; }
        .scroll { overflow-x: auto; }
        a.metric { color: inherit; text-decoration: underline dotted #8c959f; }
        .na-cell { color: #8a4b00; }
        .simulated { display: inline-block; font-size: 11.5px; font-weight: 600; color: #6f3e00; background: #fff1d6; border: 1px solid #f0c36d; border-radius: 10px; padding: 0 7px; margin-left: 6px; }
        ul.notes li { margin: 2px 0; }
        strong.crossed { color: #b00020; }
        details.terminal pre { background: var(--band); padding: 10px; overflow-x: auto; font-size: 12px; }
        dl dt { font-weight: 600; margin-top: 8px; }
        dl dd { margin: 2px 0 0 16px; }
        .source { color: var(--muted); font-size: 12px; }

        """
}

/// A figure's definition: its name as tables print it, an anchor id, one or two sentences, and
/// the docs/METRICS.md section that has the whole definition.
struct Definition: Hashable {
    let id: String
    let name: String
    let text: String
    let doc: String

    /// Where the whole definition is: `docs/METRICS.md § Cost`, or the document `doc` names.
    var reference: String { doc.hasPrefix("docs/") ? doc : "docs/METRICS.md § \(doc)" }
}
