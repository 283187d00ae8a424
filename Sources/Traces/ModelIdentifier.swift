/// How providers date their model ids: `claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`, the
/// undated alias (`claude-sonnet-4-5`) being resolved by the provider to its latest snapshot.
/// Shared by the price table (alias ↔ dated entry) and the importers (which name to keep).
public enum ModelIdentifier {
    /// `20250929` for `20250929` or `2025-09-29`; nil for anything else (`mini`, `0613`, `latest`).
    public static func date(_ text: Substring) -> String? {
        func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
        let shaped =
            (text.count == 8 && text.allSatisfy(isDigit))
            || (text.count == 10 && text.enumerated().allSatisfy { i, c in i == 4 || i == 7 ? c == "-" : isDigit(c) })
        return shaped ? String(text.filter { $0 != "-" }) : nil
    }

    /// Where `-20250929` or `-2025-09-29` starts in `name`, when it ends with one.
    public static func dateSuffixStart(of name: String) -> String.Index? {
        for length in [8, 10] where name.count > length + 1 {
            let start = name.index(name.endIndex, offsetBy: -(length + 1))
            if name[start] == "-", date(name[name.index(after: start)...]) != nil { return start }
        }
        return nil
    }

    /// True when `dated` is `alias` with a date suffix (`claude-sonnet-4-5` → `…-20250929`).
    public static func isDated(_ dated: Substring, snapshotOf alias: Substring) -> Bool {
        dated.count > alias.count + 1 && dated.hasPrefix(alias) && dated.dropFirst(alias.count).first == "-"
            && date(dated.dropFirst(alias.count + 1)) != nil
    }
}
