extension Timestamp {
    /// Parses an ISO-8601 date-time: `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH[:MM]]`.
    /// A space may stand for `T`; without a zone the time is taken as UTC. Returns nil for
    /// anything else, including impossible dates such as February 30th.
    public init?(iso8601 text: String) {
        var text = text
        let parsed = text.withUTF8 { Timestamp.parse($0) }
        guard let parsed else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.number(digits: 4), reader.consume("-"),
            let month = reader.number(digits: 2), reader.consume("-"),
            let day = reader.number(digits: 2),
            reader.consume("T") || reader.consume("t") || reader.consume(" "),
            let hour = reader.number(digits: 2), reader.consume(":"),
            let minute = reader.number(digits: 2)
        else { return nil }
        var second: Int64 = 0
        var millis: Int64 = 0
        if reader.consume(":") {
            guard let value = reader.number(digits: 2) else { return nil }
            second = value
            if reader.consume(".") || reader.consume(",") {
                guard let fraction = reader.fractionMilliseconds() else { return nil }
                millis = fraction
            }
        }
        var offsetMinutes: Int64 = 0
        if reader.consume("Z") || reader.consume("z") {
            offsetMinutes = 0
        } else if let sign = reader.sign() {
            guard let offsetHours = reader.number(digits: 2), offsetHours <= 23 else { return nil }
            var offsetMinute: Int64 = 0
            if reader.consume(":") {
                guard let value = reader.number(digits: 2) else { return nil }
                offsetMinute = value
            } else if let value = reader.number(digits: 2) {
                offsetMinute = value
            }
            guard offsetMinute < 60 else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMinute)
        }
        guard reader.atEnd,
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + millis)
    }
}

/// Reads fixed-width decimal fields from ASCII bytes.
private struct DigitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<digits {
            let byte = bytes[index + offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// One or more digits of a fraction of a second, truncated to milliseconds.
    mutating func fractionMilliseconds() -> Int64? {
        var millis: Int64 = 0
        var count = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            if count < 3 { millis = millis * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) { millis *= 10 }
        return millis
    }

    mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if consume("+") { return 1 }
        if consume("-") { return -1 }
        return nil
    }
}
