/// An ISO 8601 duration as journeys write waits (`PT2H`, `P1D`, `PT30M`, `P1DT12H`, `PT0.5S`):
/// days, hours, minutes and seconds (a day is 24 hours; years, months and weeks are refused, since
/// their length depends on the calendar).
public struct JourneyDuration: Sendable, Hashable, CustomStringConvertible {
    public var milliseconds: Int64
    /// As written.
    public var text: String

    /// The longest wait a journey may have (a year of days).
    static let maximumMilliseconds: Int64 = 366 * 86_400_000

    public init?(_ text: String) {
        var rest = Substring(text.uppercased())
        guard rest.hasPrefix("P"), rest.count > 1 else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawUnit = false
        for character in rest {
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if character.isNumber || character == "." || character == "," {
                number.append(character == "," ? "." : character)
                continue
            }
            guard let value = Double(number), value >= 0 else { return nil }
            number = ""
            switch (inTime, character) {
            case (false, "D"): total += value * 86_400
            case (true, "H"): total += value * 3_600
            case (true, "M"): total += value * 60
            case (true, "S"): total += value
            default: return nil
            }
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        let milliseconds = (total * 1000).rounded()
        guard milliseconds <= Double(Self.maximumMilliseconds) else { return nil }
        self.milliseconds = Int64(milliseconds)
        self.text = text
    }

    public var duration: Duration { .milliseconds(milliseconds) }

    public var description: String { text }
}
