import HTTPTypes
import Hummingbird

/// How the Segment and Salesmachine routes answer: an `APIError` thrown while handling a
/// request becomes the answer in the surface's style, and the rate-limit headers of the
/// admitted key (which `work` sets once the gate admitted it) go on every answer, refusal or not.
enum CompatAnswer {
    static func respond(
        style: APIError.Style,
        _ work: (inout HTTPFields) async throws -> Response
    ) async throws -> Response {
        var limitHeaders: HTTPFields = [:]
        var response: Response
        do {
            response = try await work(&limitHeaders)
        } catch var error as APIError {
            error.style = style
            response = error.makeResponse()
        }
        response.headers.append(contentsOf: limitHeaders)
        return response
    }
}
