/// An instant as whole milliseconds since the Unix epoch (UTC), with fast ISO-8601 parsing and
/// formatting that allocate no formatter.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The ISO-8601 form in UTC with milliseconds, e.g. `2019-11-18T13:30:11.444Z`.
    public var description: String { iso8601 }

    public var iso8601: String {
        let millisPerDay: Int64 = 86_400_000
        var days = millisecondsSinceEpoch / millisPerDay
        var rest = millisecondsSinceEpoch % millisPerDay
        if rest < 0 {
            rest += millisPerDay
            days -= 1
        }
        let (year, month, day) = CivilCalendar.date(fromDaysSinceEpoch: days)
        let hour = rest / 3_600_000
        let minute = rest / 60_000 % 60
        let second = rest / 1000 % 60
        let millis = rest % 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func pad(_ value: Int64, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var remaining = value
            for position in stride(from: width - 1, through: 0, by: -1) {
                digits[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: digits)
        }
        if year < 0 || year > 9999 {
            return "\(year)-\(month)-\(day)T\(hour):\(minute):\(second).\(millis)Z"
        }
        pad(year, 4)
        bytes.append(UInt8(ascii: "-"))
        pad(month, 2)
        bytes.append(UInt8(ascii: "-"))
        pad(day, 2)
        bytes.append(UInt8(ascii: "T"))
        pad(hour, 2)
        bytes.append(UInt8(ascii: ":"))
        pad(minute, 2)
        bytes.append(UInt8(ascii: ":"))
        pad(second, 2)
        bytes.append(UInt8(ascii: "."))
        pad(millis, 3)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Conversions between proleptic Gregorian dates and days since 1970-01-01.
public enum CivilCalendar {
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func date(fromDaysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
