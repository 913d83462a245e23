public import CairnCore

/// The outbox: messages the processor made (in its own transaction), claimed by senders on any
/// node, and their outcomes. A claim leases a message; a sender that dies mid-send leaves it
/// `sending` until the lease ends, and then it is claimed again (sent at least once).
public protocol OutboxStore: Sendable {
    /// Claims due messages for one node's senders (see `OutboxClaim`): first those whose lease
    /// ended (a sender died; one at its last attempt is `dead` instead, `lease_expired`), then
    /// queued ones whose next attempt is due, lane after lane (a brand's channel), least recently
    /// served first, each lane taking at most its batch and never more than its cap in flight
    /// across all nodes. Each becomes `sending` with one more attempt, leased for `lease`. On
    /// PostgreSQL, claims skip rows and lanes another node holds, and leases are compared and
    /// set on the database's clock, so nodes' clocks need not agree.
    func claim(_ request: OutboxClaim) async throws -> [ClaimedMessage]
    /// Records the outcomes of attempts at claimed messages, with their effects, in one
    /// transaction; for each, false (and nothing changed, no effect applied) when its claim is no
    /// longer the message's (the lease ended and the message was claimed again, or the outcome was
    /// recorded already). A message recorded `sent` takes the receipts kept for it that may be
    /// about that attempt (see `receipt`) and drops the others; one that ends `failed` or `dead`,
    /// or is queued again (`retry`), drops them all.
    func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool]
    /// Queues a brand's `dead` or `failed` messages again (see `MessageRetry`), due at `time`;
    /// the ids of those queued, oldest first.
    func retry(_ request: MessageRetry, tenant: Tenant, at time: Timestamp) async throws -> [String]
    /// Extends the leases of claims whose sends are still under way by `lease` from now (the
    /// database's now on PostgreSQL), so that a send slower than a lease is not claimed again
    /// meanwhile; a claim that is no longer the message's is left alone. How many were extended.
    func renewLeases(_ claims: [MessageClaim], now: Timestamp, lease: Duration) async throws -> Int
    /// A provider's receipt for a sent message: `delivered`, or `failed` with the provider's
    /// error, about the provider's message `providerMessageId` (Twilio's `MessageSid`) when the
    /// provider names it. Each attempt at a message that reaches the provider is a message of its
    /// own there, with its own id: a receipt naming another id than the one recorded with the
    /// message is about another attempt (one that timed out after the provider took it), and is
    /// refused. One that arrives before its message is recorded sent (still `queued` or
    /// `sending`) is kept with its provider id, and applied in the transaction that records the
    /// message sent if it names the id recorded then (or none was recorded), else dropped; of
    /// two kept for the same id, the first stands. Kept receipts are dropped when their message
    /// is queued again (they are about an attempt that will never be recorded sent), ends
    /// `failed` or `dead`, or is erased. A final status only moves forward. False when there is no
    /// such message, it is already final (`delivered`, `failed`, `dead`), or the receipt is about
    /// another attempt.
    func receipt(
        messageId: String,
        providerMessageId: String?,
        delivered: Bool,
        error: MessageError?,
        at time: Timestamp
    ) async throws -> Bool
    /// The messages an event made, oldest first.
    func messages(eventId: EventID) async throws -> [OutboxMessage]
    /// A brand's messages, newest first.
    func messages(tenant: Tenant, filter: MessageFilter) async throws -> [OutboxMessage]
    /// A message by id alone (for provider webhooks, whose URL names only the message).
    func message(messageId: String) async throws -> OutboxMessage?
    /// How many messages wait (queued or sending): a sum of the lanes' counters, not a count.
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
    /// The most messages of its lane in flight at once, across all nodes.
    public var laneCap: Int
    /// A push's device (`message.to` is its id) as the customer has it now; nil when the
    /// customer no longer has it, and for other channels.
    public var device: PushDevice?

    public init(
        message: OutboxMessage,
        consent: [String: ChannelConsent]?,
        suppressed: Bool = false,
        laneCap: Int = OutboxClaim.defaultCap,
        device: PushDevice? = nil
    ) {
        self.message = message
        self.consent = consent
        self.suppressed = suppressed
        self.laneCap = laneCap
        self.device = device
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

/// What one attempt came to, for the claim that made it, and what else it changes: its effects
/// commit with it, and only when it is saved.
public struct AttemptOutcome: Sendable, Hashable {
    public var claim: MessageClaim
    public var record: DeliveryRecord
    public var effects: [OutcomeEffect]

    public init(claim: MessageClaim, record: DeliveryRecord, effects: [OutcomeEffect] = []) {
        self.claim = claim
        self.record = record
        self.effects = effects
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
