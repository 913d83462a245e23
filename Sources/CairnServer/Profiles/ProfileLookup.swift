import Foundation
import HTTPTypes

/// The `{key}:{value}` path component of the Profiles API: `userId:ABC%2F123`, `email:…`, `id:…`.
struct ProfileLookup: Sendable, Hashable {
    enum Key: String, Sendable {
        case userId
        case email
        case id
    }

    var key: Key
    var value: String

    init(parsing component: String) throws {
        guard let colon = component.firstIndex(of: ":"),
            let key = Key(rawValue: String(component[..<colon]))
        else {
            throw APIError(
                .badRequest,
                code: "invalid_profile_lookup",
                message: "Look a profile up as userId:VALUE, email:VALUE or id:VALUE, with VALUE URL-encoded."
            )
        }
        let raw = String(component[component.index(after: colon)...])
        guard let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw APIError(
                .badRequest,
                code: "invalid_profile_lookup",
                message: "The value after \(key.rawValue): must be a non-empty, URL-encoded string."
            )
        }
        self.key = key
        self.value = value
    }
}
