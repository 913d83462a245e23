/// A brand's journey: its versions (each a definition), which one is live, and whether it takes
/// customers now. Customers enter the live version; an instance keeps the version it began on.
public struct Journey: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Never published: it takes no one.
        case draft
        /// Takes customers, and its instances move on.
        case live
        /// Takes no one; its instances wait where they are until it is resumed.
        case paused
        /// Gone for good: takes no one, its instances end.
        case archived
    }

    public var tenant: Tenant
    /// 24 hexadecimal digits, made by Cairn.
    public var journeyId: String
    /// The newest version's name.
    public var name: String
    public var status: Status
    public var liveVersion: Int?
    /// Oldest first.
    public var versions: [JourneyVersion]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        tenant: Tenant,
        journeyId: String,
        name: String,
        status: Status,
        liveVersion: Int?,
        versions: [JourneyVersion],
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.tenant = tenant
        self.journeyId = journeyId
        self.name = name
        self.status = status
        self.liveVersion = liveVersion
        self.versions = versions
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var live: JourneyVersion? {
        guard let liveVersion else { return nil }
        return versions.first { $0.version == liveVersion }
    }

    /// The newest version saved after the live one and never published.
    public var draft: JourneyVersion? {
        guard let newest = versions.last, newest.publishedAt == nil, newest.version > (liveVersion ?? 0) else {
            return nil
        }
        return newest
    }

    /// A new journey id: the time in seconds (8 hex digits) then 16 random ones, as MongoDB's
    /// ObjectIds (which the spec's `journeyIdToTrigger` looks like) are.
    public static func makeId(at time: Timestamp) -> String {
        var generator = SystemRandomNumberGenerator()
        let seconds = UInt32(truncatingIfNeeded: time.millisecondsSinceEpoch / 1000)
        let random = generator.next() as UInt64
        return hex(UInt64(seconds), digits: 8) + hex(random, digits: 16)
    }

    /// Whether `text` is a journey id: 24 hexadecimal digits.
    public static func isId(_ text: String) -> Bool {
        text.utf8.count == 24
            && text.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46)
            }
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// One saved version of a journey.
public struct JourneyVersion: Sendable, Hashable {
    public var version: Int
    /// The definition as saved (checked: `JourneyDefinition(json:)` reads it).
    public var definition: JSONValue
    public var createdAt: Timestamp
    public var publishedAt: Timestamp?

    public init(version: Int, definition: JSONValue, createdAt: Timestamp, publishedAt: Timestamp?) {
        self.version = version
        self.definition = definition
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }
}
