/// Text of a given token length for scripted prompts and simulated tool results.
///
/// Each word is at most eight bytes, so the simulated fleet's tokenizer counts exactly one
/// token per word; real servers count differently, which is why usage is always taken from
/// the server's reply, never from the script.
package enum SyntheticText {
    /// `count` words drawn from `generator`, joined by spaces.
    package static func words(_ count: Int, using generator: inout SeededGenerator) -> String {
        guard count > 0 else { return "" }
        var text = ""
        text.reserveCapacity(count * 6)
        for index in 0..<count {
            if index > 0 { text.append(" ") }
            text.append(word(Int(generator.next() % 20_000)))
        }
        return text
    }

    /// Word `index` of a fixed 20,000-word pseudo-vocabulary (`w` plus base-36 digits).
    static func word(_ index: Int) -> String {
        "w" + String(index, radix: 36)
    }
}
