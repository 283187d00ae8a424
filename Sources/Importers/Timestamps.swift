/// Wall-clock timestamps in imported traces, as nanoseconds since the Unix epoch.
///
/// Hand-written rather than `Date.ISO8601FormatStyle`, which is far too slow to call on every
/// line of a gigabyte trace. Accepts `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, and treats a
/// timestamp without a zone as UTC (as Python's `datetime.isoformat()` writes naive times).
/// Years outside 1970…2200 are not read (nil): no agent log predates the epoch, and the range
/// keeps every time, and the difference of any two, inside Int64 nanoseconds (year 9999 would
/// overflow them).
package enum WallClock {
    package static func nanoseconds(iso8601 text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10), bytes[10] == 84 || bytes[10] == 32, let hour = number(11..<13), bytes[13] == 58,
            let minute = number(14..<16), bytes[16] == 58, let second = number(17..<19),
            (1970...2200).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 9 {
                    fraction = fraction * 10 + Int64(bytes[index] - 48)
                    digits += 1
                }
                index += 1
            }
            while digits < 9 {
                fraction *= 10
                digits += 1
            }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90, 122:  // Z
                index += 1
            case 43, 45:  // + or -
                let sign = bytes[index] == 45 ? -1 : 1
                guard index + 6 <= bytes.count, let h = number((index + 1)..<(index + 3)), bytes[index + 3] == 58,
                    let m = number((index + 4)..<(index + 6))
                else { return nil }
                offsetSeconds = sign * (h * 3600 + m * 60)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000_000 + fraction
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
