import CairnCore
public import Hummingbird

/// How the admin API writes its `Codable` answers: as a `JSONValue` written by
/// `JSONValue.encoded()` (compact, sorted keys, slashes unescaped), as `application/json`.
/// Stored JSON inside an answer (an asset's content) keeps its exact text, numbers included.
/// Timestamps are written by the answer types themselves (`Timestamp.iso8601`).
public struct AdminAnswerEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        JSONResponse.make(body: try JSONValueEncoder().encode(value))
    }
}

extension AdminContext {
    public typealias Encoder = AdminAnswerEncoder

    /// Every `ResponseEncodable` an admin handler returns is written by `AdminAnswerEncoder`.
    public var responseEncoder: AdminAnswerEncoder { AdminAnswerEncoder() }
}
