import CairnCore
import CairnStorage

/// A test's outbox store over a real one: every call goes to `inner` unless the double defines it.
protocol ForwardingOutboxStore: OutboxStore {
    var inner: any OutboxStore { get }
}

extension ForwardingOutboxStore {
    func claim(_ request: OutboxClaim) async throws -> [ClaimedMessage] { try await inner.claim(request) }

    func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool] {
        try await inner.record(outcomes, at: time)
    }

    func renewLeases(_ claims: [MessageClaim], now: Timestamp, lease: Duration) async throws -> Int {
        try await inner.renewLeases(claims, now: now, lease: lease)
    }

    func receipt(
        messageId: String,
        providerMessageId: String?,
        delivered: Bool,
        error: MessageError?,
        at time: Timestamp
    ) async throws -> Bool {
        try await inner.receipt(
            messageId: messageId,
            providerMessageId: providerMessageId,
            delivered: delivered,
            error: error,
            at: time
        )
    }

    func retry(_ request: MessageRetry, tenant: Tenant, at time: Timestamp) async throws -> [String] {
        try await inner.retry(request, tenant: tenant, at: time)
    }

    func messages(eventId: EventID) async throws -> [OutboxMessage] { try await inner.messages(eventId: eventId) }

    func messages(tenant: Tenant, filter: MessageFilter) async throws -> [OutboxMessage] {
        try await inner.messages(tenant: tenant, filter: filter)
    }

    func message(messageId: String) async throws -> OutboxMessage? { try await inner.message(messageId: messageId) }

    func depth() async throws -> Int { try await inner.depth() }
}
