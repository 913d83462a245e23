import CairnCore
import Logging

/// Hands messages accepted on the Segment or Salesmachine surface to the event log, as events
/// of the brand the key is scoped to, de-duplicated by `messageId` per key.
struct MessageWriter: Sendable {
    let writer: EventLogWriter

    func store(
        _ messages: [SegmentMessage],
        admission: WriteKeyGate.Admission,
        receivedAt: Timestamp,
        logger: Logger
    ) async throws {
        let entries = messages.map { message in
            EventLogEntry(
                id: EventID.make(at: receivedAt),
                tenant: admission.tenant,
                tokenId: admission.token.id,
                event: message.event,
                receivedAt: receivedAt,
                body: message.body,
                messageId: message.messageId
            )
        }
        do {
            try await writer.append(entries)
        } catch {
            logger.error("events not stored", metadata: ["error": "\(error)"])
            throw APIError.unavailable
        }
    }
}
