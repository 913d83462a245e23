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

    /// The key ends at the first `:`, sent as it is or percent-encoded (`%3A`, as
    /// `encodeURIComponent` sends it); the value is percent-decoded.
    init(parsing component: String) throws {
        let separators = [":", "%3A", "%3a"]
        guard
            let (key, separator) = separators.lazy.compactMap({ separator -> (Key, String)? in
                guard let range = component.range(of: separator) else { return nil }
                return Key(rawValue: String(component[..<range.lowerBound])).map { ($0, separator) }
            }).first
        else {
            throw APIError(
                .badRequest,
                code: "invalid_profile_lookup",
                message: "Look a profile up as userId:VALUE, email:VALUE or id:VALUE, with VALUE URL-encoded."
            )
        }
        let raw = String(component.dropFirst(key.rawValue.count + separator.count))
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
