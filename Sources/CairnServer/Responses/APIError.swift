public import CairnCore
public import Hummingbird

/// An error answer: `{"success":false,"code":…,"message":…}` with a fitting status, and for a
/// refused batch the bad items. Messages are for people; codes are stable for programs.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields
    public var itemErrors: [BatchRejection.Item]
    /// nil until the surface that answers sets it; Cairn's shape when none does.
    public var style: Style?
    /// More fields of the answer (a template error's `field`, `line` and `column`).
    public var details: [String: JSONValue] = [:]

    /// The shape of the answer: Cairn's (and Segment's) `{"success":false,…}`, or the
    /// Salesmachine API's `{"status":"error",…}`.
    public enum Style: Sendable {
        case cairn
        case salesmachine
    }

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        message: String,
        headers: HTTPFields = [:],
        itemErrors: [BatchRejection.Item] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.itemErrors = itemErrors
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    func makeResponse() -> Response {
        var body = details
        body["code"] = .string(code)
        body["message"] = .string(message)
        switch style ?? .cairn {
        case .cairn:
            body["success"] = false
        case .salesmachine:
            body["status"] = "error"
            body["error"] = .string(message)
        }
        if !itemErrors.isEmpty { body["errors"] = .array(itemErrors.map(\.json)) }
        var response = JSONResponse.make(status: status, body: .object(body))
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension APIError {
    static let noToken = APIError(.forbidden, code: "no_token_supplied", message: "No Token Supplied")
    static let notAuthorised = APIError(.forbidden, code: "token_not_authorised", message: "Token Not Authorised")

    static func rejected(_ rejection: EventRejection) -> APIError {
        APIError(.badRequest, code: rejection.code.rawValue, message: rejection.message)
    }

    static func rejected(_ rejection: BatchRejection) -> APIError {
        APIError(
            .badRequest,
            code: rejection.rejection.code.rawValue,
            message: rejection.rejection.message,
            itemErrors: rejection.items
        )
    }

    static let malformedBody = APIError(
        .badRequest,
        code: "malformed_body",
        message: "The request body could not be read: its Content-Length or chunked encoding is malformed.",
        headers: [.connection: "close"]
    )

    static let unavailable = APIError(
        .serviceUnavailable,
        code: "unavailable",
        message: "The event could not be stored just now; nothing was accepted. Please retry."
    )
}
