/// A UUID version 7 identifying an accepted event: 48 bits of Unix milliseconds, then random
/// bits, so ids sort roughly by the time they were made.
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A new version-7 id for the instant `time`.
    public static func make(at time: Timestamp, using generator: inout some RandomNumberGenerator) -> EventID {
        let millis = UInt64(truncatingIfNeeded: time.millisecondsSinceEpoch) & 0xFFFF_FFFF_FFFF
        let randomA = generator.next() as UInt64
        let randomB = generator.next() as UInt64
        let high = millis << 16 | 0x7000 | (randomA & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | (randomB & 0x3FFF_FFFF_FFFF_FFFF)
        return EventID(high: high, low: low)
    }

    public static func make(at time: Timestamp) -> EventID {
        var generator = SystemRandomNumberGenerator()
        return make(at: time, using: &generator)
    }

    /// Parses the canonical 8-4-4-4-12 hexadecimal form, in either letter case.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ EventID.parse($0) }) else { return nil }
        self = parsed
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> EventID? {
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            if nibbles < 16 { high = high << 4 | value } else { low = low << 4 | value }
            nibbles += 1
        }
        return EventID(high: high, low: low)
    }

    /// The millisecond timestamp carried in a version-7 id.
    public var timestamp: Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64(high >> 16))
    }

    public var version: Int { Int(high >> 12 & 0xF) }

    /// Lower-case 8-4-4-4-12 form.
    public var description: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ word: UInt64, nibbles range: ClosedRange<Int>) {
                for nibble in range {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = hex[Int(word >> UInt64((15 - nibble) * 4) & 0xF)]
                    position += 1
                }
            }
            put(high, nibbles: 0...15)
            put(low, nibbles: 0...15)
            return 36
        }
    }
}

extension String {
    /// Whether this is a UUID in canonical 8-4-4-4-12 hexadecimal form.
    public var isCanonicalUUID: Bool { EventID(self) != nil }
}
