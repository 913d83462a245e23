public import CairnCore

/// Which of a brand's `dead` or `failed` messages to send again (`OutboxStore.retry`): one by its
/// id, or those matching every filter given, oldest first, at most `limit`. Each is queued again
/// at once with its attempts counted from zero and its error cleared. Never messages erased or
/// failed by a data-protection request (their content is gone, or their customer may not be
/// written to).
public struct MessageRetry: Sendable, Hashable {
    /// The statuses that can be retried.
    public static let retryable: Set<MessageStatus> = [.dead, .failed]
    /// The most messages one bulk retry queues again.
    public static let maximumLimit = 10_000

    public var messageId: String?
    /// Which statuses; every retryable one when empty.
    public var statuses: Set<MessageStatus>
    public var channel: AssetChannel?
    /// Messages made at or after this time.
    public var createdFrom: Timestamp?
    /// Messages made before this time.
    public var createdUntil: Timestamp?
    public var limit: Int

    public init(
        messageId: String? = nil,
        statuses: Set<MessageStatus> = [],
        channel: AssetChannel? = nil,
        createdFrom: Timestamp? = nil,
        createdUntil: Timestamp? = nil,
        limit: Int = 1000
    ) {
        self.messageId = messageId
        self.statuses = statuses
        self.channel = channel
        self.createdFrom = createdFrom
        self.createdUntil = createdUntil
        self.limit = min(max(1, limit), Self.maximumLimit)
    }

    /// The statuses matched, as stored.
    var statusNames: [String] { (statuses.isEmpty ? Self.retryable : statuses).map(\.rawValue).sorted() }

    /// Errors of messages that are never sent again: their customer was deleted or suppressed.
    static let finalErrors = [ErasedRows.customerDeleted.code, ErasedRows.customerSuppressed.code]
}
