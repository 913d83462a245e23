/// A brand of an account: the tenant that events, customers and assets belong to. A brand
/// first seen through a token or an event exists with the defaults: its id as its name, UTC.
public struct Brand: Sendable, Hashable {
    public var tenant: Tenant
    public var name: String
    /// An IANA time zone (`Europe/London`), for what a brand schedules by its clock.
    public var timeZone: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(tenant: Tenant, name: String, timeZone: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.tenant = tenant
        self.name = name
        self.timeZone = timeZone
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let defaultTimeZone = "UTC"

    /// The brand as it exists before anyone names it.
    public static func withDefaults(_ tenant: Tenant, at time: Timestamp) -> Brand {
        Brand(tenant: tenant, name: tenant.brandId, timeZone: defaultTimeZone, createdAt: time, updatedAt: time)
    }
}
