public import CairnCore

/// The outbox: messages the processor made (in its own transaction), claimed by senders on any
/// node, and their outcomes. A claim leases a message; a sender that dies mid-send leaves it
/// `sending` until the lease ends, and then it is claimed again (sent at least once).
public protocol OutboxStore: Sendable {
    /// Claims up to `limit` messages due at `now` — queued ones whose next attempt is due, and
    /// `sending` ones whose lease has ended — except those of the brands in `skipping`: each
    /// becomes `sending` with one more attempt, leased until `leaseUntil`. On PostgreSQL claims
    /// skip rows another node holds (`FOR UPDATE SKIP LOCKED`).
    func claim(
        limit: Int,
        now: Timestamp,
        leaseUntil: Timestamp,
        skipping: Set<Tenant>
    ) async throws
        -> [ClaimedMessage]
    /// Records the outcomes of attempts at claimed messages, in one transaction; for each, false
    /// (and nothing changed) when its claim is no longer the message's (the lease ended and the
    /// message was claimed again, or the outcome was recorded already).
    func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool]
    /// Extends the leases of claims whose sends are still under way, so that a send slower than
    /// a lease is not claimed again meanwhile; a claim that is no longer the message's is left
    /// alone. How many leases were extended.
    func renewLeases(_ claims: [MessageClaim], until: Timestamp) async throws -> Int
    /// A provider's receipt for a sent message: `delivered`, or `failed` with the provider's
    /// error. False when there is no such message or it is not `sent` (or `delivered`, for a
    /// late failure report).
    func receipt(messageId: String, delivered: Bool, error: MessageError?, at time: Timestamp) async throws -> Bool
    /// The messages an event made, oldest first.
    func messages(eventId: EventID) async throws -> [OutboxMessage]
    /// A brand's messages, newest first.
    func messages(tenant: Tenant, filter: MessageFilter) async throws -> [OutboxMessage]
    /// A message by id alone (for provider webhooks, whose URL names only the message).
    func message(messageId: String) async throws -> OutboxMessage?
    /// How many messages wait (queued or sending).
    func depth() async throws -> Int
}

extension OutboxStore {
    /// Records the outcome of attempt `attempt` of a claimed message (see `record(_:at:)`).
    public func record(
        _ outcome: DeliveryRecord,
        messageId: String,
        attempt: Int,
        at time: Timestamp
    ) async throws -> Bool {
        let claim = MessageClaim(messageId: messageId, attempt: attempt)
        return try await record([AttemptOutcome(claim: claim, record: outcome)], at: time).first ?? false
    }

    /// A message of one brand; nil when there is none, whoever else may have one with that id.
    public func message(tenant: Tenant, messageId: String) async throws -> OutboxMessage? {
        guard let message = try await message(messageId: messageId), message.tenant == tenant else { return nil }
        return message
    }
}

/// A message a sender claimed, with what must be checked again just before it leaves.
public struct ClaimedMessage: Sendable {
    public var message: OutboxMessage
    /// The customer's consent now (nil when the customer no longer exists).
    public var consent: [String: ChannelConsent]?
    /// Whether a data-protection request has suppressed the customer since the message was made.
    public var suppressed: Bool

    public init(message: OutboxMessage, consent: [String: ChannelConsent]?, suppressed: Bool = false) {
        self.message = message
        self.consent = consent
        self.suppressed = suppressed
    }
}

/// One attempt at a message, as a sender holds it: the claim that made it `sending`.
public struct MessageClaim: Sendable, Hashable {
    public var messageId: String
    public var attempt: Int

    public init(messageId: String, attempt: Int) {
        self.messageId = messageId
        self.attempt = attempt
    }
}

/// What one attempt came to, for the claim that made it.
public struct AttemptOutcome: Sendable, Hashable {
    public var claim: MessageClaim
    public var record: DeliveryRecord

    public init(claim: MessageClaim, record: DeliveryRecord) {
        self.claim = claim
        self.record = record
    }
}

/// What became of one attempt.
public enum DeliveryRecord: Sendable, Hashable {
    case sent(providerMessageId: String?)
    /// A transient failure with attempts left: queued again for `nextAttemptAt`.
    case retry(MessageError, nextAttemptAt: Timestamp)
    /// A permanent failure (or consent withdrawn): no more attempts.
    case failed(MessageError)
    /// A transient failure on the last attempt.
    case dead(MessageError)
}

/// Which of a brand's messages to list.
public struct MessageFilter: Sendable, Hashable {
    public var status: MessageStatus?
    public var channel: AssetChannel?
    /// The customer's userId (as the message recorded it).
    public var userId: String?
    /// Messages created before this message id's (for paging, newest first).
    public var before: String?
    public var limit: Int

    public init(
        status: MessageStatus? = nil,
        channel: AssetChannel? = nil,
        userId: String? = nil,
        before: String? = nil,
        limit: Int = 100
    ) {
        self.status = status
        self.channel = channel
        self.userId = userId
        self.before = before
        self.limit = limit
    }
}
