/// A data-protection request about one customer of one brand (the GDPR's rights to erasure and
/// access; Intilery calls them Regulations), carried out in the background.
public struct Regulation: Sendable, Hashable {
    public var id: String
    public var tenant: Tenant
    public var type: RegulationType
    public var subject: RegulationSubject
    public var status: RegulationStatus
    /// The admin token that asked (nil when the command line did).
    public var requestedBy: String?
    public var requestedAt: Timestamp
    public var completedAt: Timestamp?
    /// What was done, counted (`{"profiles":1,"events":12}`): never what was erased.
    public var result: [String: Int]?
    public var error: EventError?
    /// Whether an export (of an `access` request) can be downloaded.
    public var hasExport: Bool
    /// How many times a worker took it up (a claim counts one): past its worker's limit it ends
    /// `failed`, keeping the last attempt's error.
    public var attempts: Int

    public init(
        id: String,
        tenant: Tenant,
        type: RegulationType,
        subject: RegulationSubject,
        status: RegulationStatus = .pending,
        requestedBy: String?,
        requestedAt: Timestamp,
        completedAt: Timestamp? = nil,
        result: [String: Int]? = nil,
        error: EventError? = nil,
        hasExport: Bool = false,
        attempts: Int = 0
    ) {
        self.id = id
        self.tenant = tenant
        self.type = type
        self.subject = subject
        self.status = status
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.completedAt = completedAt
        self.result = result
        self.error = error
        self.hasExport = hasExport
        self.attempts = attempts
    }
}

public enum RegulationType: String, Sendable, Hashable, CaseIterable {
    case suppress
    case unsuppress
    case delete
    case suppressWithDelete = "suppress_with_delete"
    case noTrack = "no_track"
    case track
    case access

    /// Whether the customer's data is erased.
    public var erases: Bool { self == .delete || self == .suppressWithDelete }

    /// The suppression it adds (`suppress…`, `no_track`) or lifts (`unsuppress`, `track`).
    public var suppression: (kind: SuppressionKind, adds: Bool)? {
        switch self {
        case .suppress, .suppressWithDelete: (.suppress, true)
        case .unsuppress: (.suppress, false)
        case .noTrack: (.noTrack, true)
        case .track: (.noTrack, false)
        case .delete, .access: nil
        }
    }
}

public enum RegulationStatus: String, Sendable, Hashable {
    case pending
    case done
    case failed
}

/// Whom a regulation is about: one of the ids a client knows customers by. `value` is nil once
/// an erasure has removed it; `key` (a digest) still names it.
public struct RegulationSubject: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case userId
        case email
        case anonymousId
    }

    public var kind: Kind
    public var value: String?
    /// The digest of the value, kept after the value is erased.
    public var digest: String

    public init(kind: Kind, value: String) {
        let digest =
            switch kind {
            case .userId, .anonymousId: SuppressionKey.identityDigest(value)
            case .email: SuppressionKey.emailDigest(value)
            }
        self.init(kind: kind, value: value, digest: digest)
    }

    public init(kind: Kind, value: String?, digest: String) {
        self.kind = kind
        self.value = value
        self.digest = digest
    }

    /// The suppression key of the subject in `tenant`.
    public func key(in tenant: Tenant) -> SuppressionKey {
        SuppressionKey(tenant: tenant, digest: digest)
    }
}

extension EventError {
    public static let customerSuppressed = EventError(
        code: "customer_suppressed",
        message: "The customer is suppressed by a data-protection request: nothing is sent to them."
    )
}

extension MessageError {
    public static let customerSuppressed = MessageError(
        code: "customer_suppressed",
        message: "The customer was suppressed by a data-protection request before the message left."
    )
}
