import CairnCore
import CairnPipeline
import Logging

/// The gateway's last step, the same for every surface: the events that passed their rules
/// become log entries of the principal's brand, stamped with one receive time, and are handed
/// to the group-commit writer. The answer waits until they are durable; if they cannot be
/// stored, nothing was accepted and the client is told to retry (503).
struct EventAppender: Sendable {
    let writer: EventLogWriter
    let metrics: CairnMetrics

    func append(
        _ events: [IngestedEvent],
        surface: IngestSurface,
        principal: Principal,
        receivedAt: Timestamp,
        logger: Logger
    ) async throws -> [EventLogEntry] {
        let entries = events.map { ingested in
            EventLogEntry(
                id: EventID.make(at: receivedAt),
                tenant: principal.tenant,
                tokenId: principal.token.id,
                event: ingested.event,
                receivedAt: receivedAt,
                body: ingested.body,
                messageId: ingested.messageId
            )
        }
        guard !entries.isEmpty else { return [] }
        do {
            try await writer.append(entries)
        } catch {
            logger.error("events not stored", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError.unavailable
        }
        metrics.eventsAccepted(surface: surface.metricName, count: entries.count)
        return entries
    }
}
