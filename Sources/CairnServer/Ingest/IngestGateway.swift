import CairnCore
import Hummingbird

/// The one path every surface's events take once `AdmissionMiddleware` admitted the request:
/// read and limit the body (once), check it with the surface's rules, append what passed.
///
/// The steps, a file each: `AdmissionMiddleware` (key, brand, rate limit) → `IngestBodyReader`
/// → the surface's rules in CairnCore (`EventValidator`, `BatchValidator`, `SegmentRules`,
/// `SegmentBatchRules`, `SalesmachineRules`) → `EventAppender` → `EventLogWriter`.
struct IngestGateway: Sendable {
    let bodyReader: IngestBodyReader
    let appender: EventAppender
    let clock: any CairnClock

    /// What was stored, and the items a partly bad batch left out.
    struct Receipt: Sendable {
        var entries: [EventLogEntry]
        var rejected: [BatchRejection.Item]
    }

    /// The rules of one request: from its body and receive time to the events to store. They
    /// throw `EventRejection` (one event) or `BatchRejection` (a batch refused whole).
    typealias Rules = @Sendable (IngestBody, Timestamp) throws -> IngestBatch

    func ingest(
        _ request: Request,
        context: AuthenticatedContext,
        surface: IngestSurface,
        rules: Rules
    ) async throws -> Receipt {
        try await ingest(
            try await body(of: request, context: context, surface: surface),
            context: context,
            surface: surface,
            rules: rules
        )
    }

    /// The same, for a body already read (the shared batch route reads it to pick its surface).
    func ingest(
        _ body: IngestBody,
        context: AuthenticatedContext,
        surface: IngestSurface,
        rules: Rules
    ) async throws -> Receipt {
        let receivedAt = clock.now()
        let batch: IngestBatch
        do {
            batch = try rules(body, receivedAt)
        } catch let rejection as EventRejection {
            throw APIError.rejected(rejection)
        } catch let rejection as BatchRejection {
            throw APIError.rejected(rejection)
        }
        let entries = try await appender.append(
            batch.accepted,
            surface: surface,
            principal: context.principal,
            receivedAt: receivedAt,
            logger: context.logger
        )
        return Receipt(entries: entries, rejected: batch.rejected)
    }

    /// The request's body, read under `surface`'s policy, unless admission read it already.
    func body(of request: Request, context: AuthenticatedContext, surface: IngestSurface) async throws -> IngestBody {
        if let body = context.preReadBody { return body }
        return try await bodyReader.read(request, surface: surface, style: surface.style(for: request))
    }
}
