import Crypto

/// What a suppression stops: everything (`suppress`: no sends, no stored events), or only
/// behavioural tracking (`noTrack`: track, page and screen events are dropped).
public enum SuppressionKind: String, Sendable, Hashable, CaseIterable {
    case suppress
    case noTrack = "no_track"
}

/// An id or email a suppression matches, kept only as a digest: the suppression list must not
/// itself keep the personal data a deletion erased. userIds, anonymousIds and aliases share one
/// namespace (an alias is an id that once was the other kind); emails are matched without case.
public struct SuppressionKey: Sendable, Hashable {
    public var tenant: Tenant
    /// The SHA-256 of the tagged id, in lowercase hex.
    public var digest: String

    public init(tenant: Tenant, digest: String) {
        self.tenant = tenant
        self.digest = digest
    }

    /// The key of a userId, anonymousId or alias.
    public static func identity(_ id: String, tenant: Tenant) -> SuppressionKey {
        SuppressionKey(tenant: tenant, digest: identityDigest(id))
    }

    /// The key of an email address (its case ignored).
    public static func email(_ email: String, tenant: Tenant) -> SuppressionKey {
        SuppressionKey(tenant: tenant, digest: emailDigest(email))
    }

    static func identityDigest(_ id: String) -> String { hex("id:" + id) }

    static func emailDigest(_ email: String) -> String { hex("email:" + email.lowercased()) }

    static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The suppressions a batch of events may meet, by key.
public struct Suppressions: Sendable, Equatable {
    public private(set) var kinds: [SuppressionKey: Set<SuppressionKind>] = [:]

    public init(_ entries: [(SuppressionKey, SuppressionKind)] = []) {
        for (key, kind) in entries { kinds[key, default: []].insert(kind) }
    }

    public var isEmpty: Bool { kinds.isEmpty }

    /// What applies to someone known by any of these keys.
    public func kinds(for keys: some Sequence<SuppressionKey>) -> Set<SuppressionKind> {
        guard !kinds.isEmpty else { return [] }
        var found: Set<SuppressionKind> = []
        for key in keys { found.formUnion(kinds[key] ?? []) }
        return found
    }
}

extension CustomerProfile {
    /// The keys a suppression of this customer is kept under: their userId, anonymousIds and
    /// aliases, and email.
    public var suppressionKeys: Set<SuppressionKey> {
        var keys = Set(anonymousIds.map { SuppressionKey.identity($0, tenant: tenant) })
        if let userId { keys.insert(.identity(userId, tenant: tenant)) }
        if let email { keys.insert(.email(email, tenant: tenant)) }
        return keys
    }
}
