// HTML and SVG are written by hand here: no HTML or SVG package is among the project's
// dependencies or in the package lists it draws on, and a report needs only escaping, a few
// elements and linear/log scales.

/// Escaping and element helpers for the report pages.
enum HTML {
    /// `text` safe inside element content and inside double- or single-quoted attribute values:
    /// `& < > " '` become entities. Every string taken from traces goes through here.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// `<name a="v"…>inner</name>`; attribute values are escaped, `inner` is markup as given.
    static func element(_ name: String, _ attributes: [(String, String)] = [], _ inner: String = "") -> String {
        "<\(name)\(attributeText(attributes))>\(inner)</\(name)>"
    }

    /// `<name a="v"…/>` (SVG shapes).
    static func empty(_ name: String, _ attributes: [(String, String)]) -> String {
        "<\(name)\(attributeText(attributes))/>"
    }

    static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// A table: header cells, then rows; cells are markup (escape text before passing it).
    static func table(header: [String], rows: [[String]], classes: String = "figures") -> String {
        let head = element("tr", [], header.map { element("th", [], $0) }.joined())
        let body = rows.map { cells in element("tr", [], cells.map { element("td", [], $0) }.joined()) }.joined(separator: "\n")
        return element("table", [("class", classes)], element("thead", [], head) + element("tbody", [], "\n" + body + "\n"))
    }

    /// A paragraph of escaped text.
    static func paragraph(_ text: String, classes: String? = nil) -> String {
        element("p", classes.map { [("class", $0)] } ?? [], escape(text))
    }

    /// A section with an `id`, a heading and its contents (markup).
    static func section(_ id: String, _ title: String, _ content: String) -> String {
        element("section", [("id", id)], "\n" + element("h2", [], escape(title)) + "\n" + content + "\n") + "\n"
    }

    /// The terminal's own text of the report, folded away: the figures as `agentperf` prints them.
    static func terminalText(_ text: String) -> String {
        element(
            "details", [("class", "terminal")],
            element("summary", [], "The same report as the terminal prints it") + element("pre", [], escape(text)))
    }
}
