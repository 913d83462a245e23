import CairnCore
import Hummingbird

/// The Salesmachine tracking API: `POST /v1/track/event`, `/v1/contact`, `/v1/account`, and
/// `/v1/batch` with a JSON array of `{method, …}` calls. The key is `api_token` in the query
/// string or the user name of Basic auth. Answers `{"status":"success"}`; refusals use its
/// codes: 400 (no key, or a call missing what it needs), 401 (bad key), 406 (not JSON), 429.
struct SalesmachineController: Sendable {
    let messages: MessageWriter
    let gate: WriteKeyGate
    let bodyReader: CompatBodyReader
    let maxBatchItems: Int

    func addRoutes(to router: Router<CairnRequestContext>) {
        let routes: [(String, SalesmachineRules.Method)] = [
            ("v1/track/event", .event), ("v1/contact", .contact), ("v1/account", .account),
        ]
        for (path, method) in routes {
            router.post(RouterPath(path)) { request, context in
                try await self.single(method, request: request, context: context)
            }
        }
    }

    func single(
        _ method: SalesmachineRules.Method,
        request: Request,
        context: CairnRequestContext
    ) async throws -> Response {
        try await CompatAnswer.respond(style: .salesmachine) { limitHeaders in
            let admission = try await admit(request)
            limitHeaders = admission.headers
            let body = try await readBody(request)
            let receivedAt = Timestamp.now()
            let message: SegmentMessage
            do throws(EventRejection) {
                message = try SalesmachineRules.validate(method: method, body: body.json, receivedAt: receivedAt)
            } catch {
                throw APIError.rejected(error)
            }
            try await messages.store([message], admission: admission, receivedAt: receivedAt, logger: context.logger)
            return Self.success
        }
    }

    /// A Salesmachine batch. `readBody` is nil when the key came in the query string and the body
    /// is not read yet; `/v1/batch` passes the body it read to tell Salesmachine from Segment.
    func batch(
        _ readBody: CompatBodyReader.Body?,
        request: Request,
        context: CairnRequestContext
    ) async throws -> Response {
        try await CompatAnswer.respond(style: .salesmachine) { limitHeaders in
            let admission = try await admit(request)
            limitHeaders = admission.headers
            let body: CompatBodyReader.Body
            if let readBody { body = readBody } else { body = try await self.readBody(request) }
            let receivedAt = Timestamp.now()
            let calls: [SegmentMessage]
            do throws(BatchRejection) {
                calls = try SalesmachineRules.validateBatch(
                    body: body.json,
                    receivedAt: receivedAt,
                    maxItems: maxBatchItems
                )
            } catch {
                throw APIError.rejected(error)
            }
            try await messages.store(calls, admission: admission, receivedAt: receivedAt, logger: context.logger)
            return Self.success
        }
    }

    private static var success: Response { JSONResponse.make(body: ["status": "success"]) }

    private func admit(_ request: Request) async throws -> WriteKeyGate.Admission {
        try await gate.admit(
            PresentedKey.queryToken(request) ?? PresentedKey.basicUser(request),
            surface: .salesmachine
        )
    }

    private func readBody(_ request: Request) async throws -> CompatBodyReader.Body {
        do {
            return try await bodyReader.read(request)
        } catch let failure as CompatBodyReader.Failure {
            switch failure {
            case .invalidJSON(let rejection):
                throw APIError(.notAcceptable, code: "not_json", message: rejection.message)
            case .corruptCompression:
                throw APIError(
                    .notAcceptable,
                    code: "not_json",
                    message: "The body could not be decompressed as its Content-Encoding says."
                )
            default:
                throw SegmentController.error(for: failure, limit: bodyReader.maxBytes)
            }
        }
    }
}
