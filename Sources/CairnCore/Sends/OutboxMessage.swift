/// One message a send command made: rendered from the asset's live version for one customer,
/// waiting in (or gone from) the outbox.
public struct OutboxMessage: Sendable, Hashable {
    /// A UUID made when the command was processed: the idempotency key of every attempt, and
    /// the source of the email's Message-ID.
    public var messageId: String
    public var tenant: Tenant
    /// The command event that caused it.
    public var eventId: EventID
    public var customerId: String
    /// The customer's userId when it was made (for consent changes made on their behalf).
    public var userId: String?
    public var channel: AssetChannel
    /// The email address or E.164 phone number.
    public var to: String
    public var assetId: String
    public var version: Int
    public var purpose: AssetPurpose
    /// The asset's fields, rendered (`AssetContentRules`), plus `unsubscribeUrl` for marketing.
    public var content: JSONValue
    public var status: MessageStatus
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var providerMessageId: String?
    public var error: MessageError?
    public var createdAt: Timestamp
    public var sentAt: Timestamp?

    public init(
        messageId: String,
        tenant: Tenant,
        eventId: EventID,
        customerId: String,
        userId: String?,
        channel: AssetChannel,
        to: String,
        assetId: String,
        version: Int,
        purpose: AssetPurpose,
        content: JSONValue,
        status: MessageStatus = .queued,
        attempts: Int = 0,
        nextAttemptAt: Timestamp,
        providerMessageId: String? = nil,
        error: MessageError? = nil,
        createdAt: Timestamp,
        sentAt: Timestamp? = nil
    ) {
        self.messageId = messageId
        self.tenant = tenant
        self.eventId = eventId
        self.customerId = customerId
        self.userId = userId
        self.channel = channel
        self.to = to
        self.assetId = assetId
        self.version = version
        self.purpose = purpose
        self.content = content
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.providerMessageId = providerMessageId
        self.error = error
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
