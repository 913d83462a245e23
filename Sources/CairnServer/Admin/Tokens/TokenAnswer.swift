import CairnCore
import Hummingbird

/// How the admin API writes API tokens.
enum TokenAnswer {
    /// A token: its scope and limits, never its secret. `brand` and `revokedAt` are `null` when
    /// the token covers a whole account or is live.
    struct Token: Encodable, Sendable {
        let id: String
        let client: String
        let account: String
        let brand: String?
        let rate: Double
        let burst: Int
        let createdAt: String
        let revokedAt: String?

        init(_ record: TokenRecord) {
            id = record.id
            client = record.scope.clientId
            account = record.scope.accountId
            brand = record.scope.brandId
            rate = record.rate
            burst = record.burst
            createdAt = record.createdAt.iso8601
            revokedAt = record.revokedAt?.iso8601
        }

        private enum CodingKeys: String, CodingKey {
            case id, client, account, brand, rate, burst, createdAt, revokedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(client, forKey: .client)
            try container.encode(account, forKey: .account)
            try container.encode(brand, forKey: .brand)
            try container.encode(rate, forKey: .rate)
            try container.encode(burst, forKey: .burst)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(revokedAt, forKey: .revokedAt)
        }
    }

    /// `POST /admin/v1/tokens`: the new token's fields and, this once, its `secret`.
    typealias Created = IssuedTokenAnswer<Token>

    /// `GET /admin/v1/tokens`.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let tokens: [Token]
    }

    /// `DELETE /admin/v1/tokens/{id}`.
    typealias Revoked = RevokedTokenAnswer
}
