import CairnCore

/// Keys as four parallel arrays (client, account, brand, id), for `unnest`: one query for a
/// whole set of ids, or of suppression digests.
struct PostgresKeyArrays {
    var clients: [String] = []
    var accounts: [String] = []
    var brands: [String] = []
    var ids: [String] = []

    init(_ keys: some Sequence<IdentityKey>) {
        self.init(parts: keys.lazy.map { ($0.tenant, $0.id) })
    }

    /// Suppression keys, their digests as the ids.
    init(_ keys: some Sequence<SuppressionKey>) {
        self.init(parts: keys.lazy.map { ($0.tenant, $0.digest) })
    }

    private init(parts: some Sequence<(Tenant, String)>) {
        for (tenant, id) in parts {
            clients.append(tenant.clientId)
            accounts.append(tenant.accountId)
            brands.append(tenant.brandId)
            ids.append(id)
        }
    }

    var isEmpty: Bool { ids.isEmpty }
}
