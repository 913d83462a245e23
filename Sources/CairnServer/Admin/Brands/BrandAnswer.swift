import CairnCore
import Hummingbird

/// How the admin API writes brands.
enum BrandAnswer {
    struct Brand: Encodable, Sendable {
        let clientId: String
        let accountId: String
        let brandId: String
        let name: String
        let timeZone: String
        let createdAt: String
        let updatedAt: String

        init(_ brand: CairnCore.Brand) {
            clientId = brand.tenant.clientId
            accountId = brand.tenant.accountId
            brandId = brand.tenant.brandId
            name = brand.name
            timeZone = brand.timeZone
            createdAt = brand.createdAt.iso8601
            updatedAt = brand.updatedAt.iso8601
        }
    }

    /// `PUT` and `GET /admin/v1/brands/{clientId}/{accountId}/{brandId}`.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let brand: Brand
    }

    /// `GET /admin/v1/brands`.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let brands: [Brand]
    }
}
