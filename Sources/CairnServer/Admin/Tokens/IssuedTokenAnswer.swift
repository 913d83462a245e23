import Hummingbird

/// A token just made, API or admin: its fields and, this once, its `secret`.
struct IssuedTokenAnswer<Token: Encodable & Sendable>: ResponseEncodable, Sendable {
    let token: Token
    let secret: String

    private enum CodingKeys: String, CodingKey {
        case success, secret
    }

    func encode(to encoder: any Encoder) throws {
        try token.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(true, forKey: .success)
        try container.encode(secret, forKey: .secret)
    }
}

/// A token revoked, API or admin.
struct RevokedTokenAnswer: ResponseEncodable, Sendable {
    let success = true
    let id: String
    let revoked = true
}
