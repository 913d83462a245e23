import CairnCore
import CairnStorage
import Foundation
import Hummingbird

/// Brands: `PUT /admin/v1/brands/{clientId}/{accountId}/{brandId}` `{"name","timeZone"}`,
/// `GET` one, `GET /admin/v1/brands` all (a brand's admin token sees its own).
struct BrandsController: Sendable {
    let brands: any BrandStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("brands", use: self.list)
        group.put("brands/:clientId/:accountId/:brandId", use: self.save)
        group.get("brands/:clientId/:accountId/:brandId", use: self.show)
    }

    @Sendable func save(request: Request, context: AdminContext) async throws -> BrandAnswer.One {
        let tenant = try context.administeredTenant()
        let body = try await AdminBody.read(request)
        let existing = try await brands.brand(tenant)
        let name = try body.string("name") ?? existing?.name ?? tenant.brandId
        guard !name.isEmpty else {
            throw APIError(.badRequest, code: "invalid_name", message: "name may not be empty.")
        }
        let zone = try body.string("timeZone") ?? existing?.timeZone ?? Brand.defaultTimeZone
        guard zone == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(zone) else {
            throw APIError(
                .badRequest,
                code: "invalid_time_zone",
                message: "timeZone \"\(zone)\" is not an IANA time zone such as Europe/London or UTC."
            )
        }
        let brand = try await brands.save(tenant, name: name, timeZone: zone, at: clock.now())
        return BrandAnswer.One(brand: .init(brand))
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> BrandAnswer.One {
        let tenant = try context.administeredTenant()
        guard let brand = try await brands.brand(tenant) else {
            throw APIError(.notFound, code: "brand_not_found", message: "No brand \(tenant) is known.")
        }
        return BrandAnswer.One(brand: .init(brand))
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> BrandAnswer.List {
        let token = context.adminToken
        return BrandAnswer.List(
            brands: try await brands.list().filter { token.administers($0.tenant) }.map(BrandAnswer.Brand.init)
        )
    }
}
