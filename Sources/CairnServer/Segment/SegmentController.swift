import CairnCore
import Hummingbird

/// Segment's HTTP API (which RudderStack speaks too): `POST /v1/{identify,track,page,screen,group,alias}`
/// for one message, `/v1/batch` and `/v1/import` for many. Answers as Segment does: 200
/// `{"success":true}` for what was taken, 400 for a body too large or not JSON.
struct SegmentController: Sendable {
    let messages: MessageWriter
    let gate: WriteKeyGate
    let bodyReader: CompatBodyReader
    let maxBatchItems: Int

    func addRoutes(to router: Router<CairnRequestContext>) {
        for action in EventAction.allCases {
            router.post("v1/\(action.rawValue)") { request, context in
                try await self.single(action, request: request, context: context)
            }
        }
        router.post("v1/import") { request, context in
            try await self.batch(try await self.readBody(request), request: request, context: context)
        }
    }

    func single(_ action: EventAction, request: Request, context: CairnRequestContext) async throws -> Response {
        try await CompatAnswer.respond(style: .cairn) { limitHeaders in
            let body = try await readBody(request)
            let admission = try await admit(request, body: body)
            limitHeaders = admission.headers
            let receivedAt = Timestamp.now()
            var bytes = body.bytes
            if case .object(var fields) = body.json, fields["writeKey"] != nil {
                // The key is a secret: it is not stored with the event.
                fields["writeKey"] = nil
                bytes = JSONValue.object(fields).encoded()
            }
            let message: SegmentMessage
            do throws(EventRejection) {
                message = try SegmentRules.validate(
                    action: action,
                    message: body.json,
                    bytes: bytes,
                    receivedAt: receivedAt
                )
            } catch {
                throw APIError.rejected(error)
            }
            try await messages.store([message], admission: admission, receivedAt: receivedAt, logger: context.logger)
            return JSONResponse.make(body: ["success": true])
        }
    }

    /// A Segment batch, its body already read (`/v1/batch` reads it to tell Segment from Salesmachine).
    func batch(_ body: CompatBodyReader.Body, request: Request, context: CairnRequestContext) async throws -> Response {
        try await CompatAnswer.respond(style: .cairn) { limitHeaders in
            let admission = try await admit(request, body: body)
            limitHeaders = admission.headers
            let receivedAt = Timestamp.now()
            let batch: SegmentBatch
            do throws(BatchRejection) {
                batch = try SegmentBatchRules.validate(body: body.json, receivedAt: receivedAt, maxItems: maxBatchItems)
            } catch {
                throw APIError.rejected(error)
            }
            try await messages.store(
                batch.accepted,
                admission: admission,
                receivedAt: receivedAt,
                logger: context.logger
            )
            guard !batch.rejected.isEmpty else { return JSONResponse.make(body: ["success": true]) }
            context.logger.info(
                "batch messages refused",
                metadata: ["refused": "\(batch.rejected.count)", "stored": "\(batch.accepted.count)"]
            )
            return JSONResponse.make(body: [
                "success": true,
                "rejected": .array(
                    batch.rejected.map { item in
                        [
                            "index": .number(String(item.index)),
                            "code": .string(item.rejection.code.rawValue),
                            "message": .string(item.rejection.message),
                        ]
                    }
                ),
            ])
        }
    }

    func readBody(_ request: Request) async throws -> CompatBodyReader.Body {
        do {
            return try await bodyReader.read(request)
        } catch let failure as CompatBodyReader.Failure {
            throw Self.error(for: failure, limit: bodyReader.maxBytes)
        }
    }

    private func admit(_ request: Request, body: CompatBodyReader.Body) async throws -> WriteKeyGate.Admission {
        try await gate.admit(PresentedKey.basicUser(request) ?? PresentedKey.bodyWriteKey(body.json), surface: .segment)
    }

    static func error(for failure: CompatBodyReader.Failure, limit: Int) -> APIError {
        switch failure {
        case .tooLarge:
            return APIError(
                .badRequest,
                code: "request_too_large",
                message: "Request too large: a batch may be at most \(limit / 1024) KB of JSON, one message 32 KB."
            )
        case .unsupportedEncoding(let encoding):
            return APIError(
                .unsupportedMediaType,
                code: "unsupported_content_encoding",
                message: "Content-Encoding \"\(encoding)\" is not supported: send gzip, deflate or none."
            )
        case .corruptCompression:
            return APIError(
                .badRequest,
                code: "invalid_compressed_body",
                message: "The body could not be decompressed as its Content-Encoding says."
            )
        case .invalidJSON(let rejection):
            return APIError.rejected(rejection)
        }
    }
}
