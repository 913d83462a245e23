public import CairnCore
import GRDB

/// Finding the customers a regulation's subject names, in SQLite.
extension SQLiteProfileReader {
    public func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile] {
        guard let value = subject.value else { return [] }
        return try await database.read { db in
            let inBrand = "client_id = ? AND account_id = ? AND brand_id = ?"
            let brand = SQLiteProfileRows.tenantArguments(tenant)
            let byAlias = """
                id IN (SELECT customer_id FROM customer_aliases WHERE anonymous_id = ? AND \(inBrand))
                """
            return switch subject.kind {
            case .userId:
                try SQLiteProfileRows.profile(
                    db,
                    where: "(user_id = ? AND \(inBrand)) OR \(byAlias)",
                    [value] + brand + [value] + brand
                )
            case .anonymousId:
                try SQLiteProfileRows.profile(db, where: byAlias, [value] + brand)
            case .email:
                try SQLiteProfileRows.profile(db, where: "lower(email) = lower(?) AND \(inBrand)", [value] + brand)
            }
        }
    }
}
