import Foundation

/// How figures are written in tables: units chosen per value, three significant digits.
package enum Format {
    /// `850 µs`, `12.3 ms`, `2.41 s`, `3m 05s`, `∞`, `–` for no value.
    package static func seconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value.isInfinite { return "∞" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0 ms" }
        if magnitude < 1e-3 { return "\(significant(value * 1e6)) µs" }
        if magnitude < 1 { return "\(significant(value * 1e3)) ms" }
        if magnitude < 60 { return "\(significant(value)) s" }
        let minutes = Int(value / 60)
        return String(format: "%dm %02ds", minutes, Int(value) - minutes * 60)
    }

    /// `$0.0123`, `$1.25`, `$1,204`; `–` for no value.
    package static func dollars(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value == 0 { return "$0" }
        if value < 0 { return "-" + dollars(-value) }
        if abs(value) >= 1000 { return "$" + value.formatted(Self.grouped) }
        return "$" + significant(value)
    }

    /// `83%`, `4.5%`, `0.3%`.
    package static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        let percent = value * 100
        if percent == 0 || percent >= 10 || percent <= -10 { return "\(Int(percent.rounded()))%" }
        return "\(significant(percent, digits: 2))%"
    }

    /// `12.4`, `0.031`, `1,204`.
    package static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if abs(value) >= 1000 { return value.formatted(Self.grouped) }
        return significant(value)
    }

    /// Whole numbers with thousands grouped by a comma whatever the user's locale, so tables and
    /// golden files read the same everywhere.
    static let grouped = FloatingPointFormatStyle<Double>.number.precision(.fractionLength(0)).locale(
        Locale(identifier: "en_US"))

    /// `1.20M`, `34.5k`, `7,610`, `812`: thousands grouped as `rate` groups them, so counts and
    /// rates read alike in one table.
    package static func count(_ value: Int) -> String {
        let v = Double(value)
        if value >= 1_000_000 { return "\(significant(v / 1e6))M" }
        if value >= 10_000 { return "\(significant(v / 1e3))k" }
        if value >= 1000 { return v.formatted(Self.grouped) }
        return "\(value)"
    }

    /// `text` broken at spaces into lines of at most `width` characters (a word longer than that
    /// stays whole), the lines after the first indented by `indent`; each line ends in a newline.
    package static func wrap(_ text: String, width: Int = 120, indent: String = "  ") -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let prefix = lines.isEmpty ? "" : indent
            if !line.isEmpty, prefix.count + line.count + 1 + word.count > width {
                lines.append(prefix + line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append((lines.isEmpty ? "" : indent) + line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Three significant digits without trailing zeros beyond them.
    package static func significant(_ value: Double, digits: Int = 3) -> String {
        guard value != 0, value.isFinite else { return value.isFinite ? "0" : "∞" }
        let exponent = Int(floor(log10(abs(value))))
        let decimals = max(0, digits - 1 - exponent)
        return String(format: "%.\(decimals)f", value)
    }
}
