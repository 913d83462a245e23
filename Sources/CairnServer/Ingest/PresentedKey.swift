import CairnCore
import Foundation
import Hummingbird

/// Where the Segment and Salesmachine clients put their key: the user name of HTTP Basic auth
/// (Segment sends `key:`, the Salesmachine clients `key:secret` or `key:key`), `writeKey` in a
/// Segment body, or `api_token` in a Salesmachine query string.
enum PresentedKey {
    /// The user name of an `Authorization: Basic …` header; nil when there is none or it is empty.
    static func basicUser(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8)
        else { return nil }
        let user = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return user.isEmpty ? nil : String(user)
    }

    /// `api_token` from the query string.
    static func queryToken(_ request: Request) -> String? {
        guard let token = FormQuery(request.uri.query)["api_token"], !token.isEmpty else { return nil }
        return String(token)
    }

    /// A Segment body's `writeKey`.
    static func bodyWriteKey(_ json: JSONValue) -> String? {
        guard case .string(let key)? = json["writeKey"], !key.isEmpty else { return nil }
        return key
    }
}
