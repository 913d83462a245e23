public import CairnCore
import PostgresNIO

/// Finding the customers a regulation's subject names, in PostgreSQL.
extension PostgresProfileReader {
    public func customers(of subject: RegulationSubject, tenant: Tenant) async throws -> [CustomerProfile] {
        guard let value = subject.value else { return [] }
        let (client, account, brand) = (tenant.clientId, tenant.accountId, tenant.brandId)
        switch subject.kind {
        case .userId, .anonymousId:
            let byUser = subject.kind == .userId
            return try await profiles(
                """
                SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c
                WHERE c.client_id = \(client) AND c.account_id = \(account) AND c.brand_id = \(brand)
                    AND ((\(byUser) AND c.user_id = \(value)) OR c.id IN (
                        SELECT a.customer_id FROM customer_aliases a
                        WHERE a.anonymous_id = \(value) AND a.client_id = \(client) AND a.account_id = \(account)
                            AND a.brand_id = \(brand)))
                ORDER BY c.id
                """
            )
        case .email:
            return try await profiles(email: value, tenant: tenant)
        }
    }
}
