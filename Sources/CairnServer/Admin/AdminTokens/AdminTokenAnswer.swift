import CairnCore
import Hummingbird

/// How the admin API writes admin tokens: never their secrets but once, on creation.
enum AdminTokenAnswer {
    /// An admin token; `client`, `account` and `brand` are `null` for a global one, `revokedAt`
    /// for a live one.
    struct Token: Encodable, Sendable {
        let id: String
        let name: String?
        let client: String?
        let account: String?
        let brand: String?
        let createdAt: String
        let revokedAt: String?

        init(_ record: AdminTokenRecord) {
            id = record.id
            name = record.name
            client = record.brand?.clientId
            account = record.brand?.accountId
            brand = record.brand?.brandId
            createdAt = record.createdAt.iso8601
            revokedAt = record.revokedAt?.iso8601
        }

        private enum CodingKeys: String, CodingKey {
            case id, name, client, account, brand, createdAt, revokedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(client, forKey: .client)
            try container.encode(account, forKey: .account)
            try container.encode(brand, forKey: .brand)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(revokedAt, forKey: .revokedAt)
        }
    }

    /// `POST /admin/v1/admin-tokens`: the new token's fields and, this once, its `secret`.
    typealias Created = IssuedTokenAnswer<Token>

    /// `GET /admin/v1/admin-tokens`.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let adminTokens: [Token]
    }

    /// `DELETE /admin/v1/admin-tokens/{id}`.
    typealias Revoked = RevokedTokenAnswer
}
