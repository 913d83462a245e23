import CairnCore

/// How the admin API writes its records: the answers' shapes, one place for each.
enum AdminJSON {
    static func token(_ token: TokenRecord) -> JSONValue {
        [
            "id": .string(token.id),
            "client": .string(token.scope.clientId),
            "account": .string(token.scope.accountId),
            "brand": token.scope.brandId.map(JSONValue.string) ?? .null,
            "rate": .number(NumberText.of(token.rate)),
            "burst": .number(String(token.burst)),
            "createdAt": .string(token.createdAt.iso8601),
            "revokedAt": token.revokedAt.map { .string($0.iso8601) } ?? .null,
        ]
    }

    static func brand(_ brand: Brand) -> JSONValue {
        [
            "clientId": .string(brand.tenant.clientId),
            "accountId": .string(brand.tenant.accountId),
            "brandId": .string(brand.tenant.brandId),
            "name": .string(brand.name),
            "timeZone": .string(brand.timeZone),
            "createdAt": .string(brand.createdAt.iso8601),
            "updatedAt": .string(brand.updatedAt.iso8601),
        ]
    }

    static func asset(_ asset: Asset) -> JSONValue {
        [
            "assetId": .string(asset.assetId),
            "name": asset.name.map(JSONValue.string) ?? .null,
            "channel": .string(asset.channel.rawValue),
            "purpose": asset.purpose.map { .string($0.rawValue) } ?? .null,
            "createdAt": .string(asset.createdAt.iso8601),
            "updatedAt": .string(asset.updatedAt.iso8601),
            "archivedAt": asset.archivedAt.map { .string($0.iso8601) } ?? .null,
            "live": asset.live.map { version($0, live: true) } ?? .null,
            "draft": asset.draft.map { version($0, live: false) } ?? .null,
            "versions": .array(
                asset.versions.map { version in
                    [
                        "version": .number(String(version.version)),
                        "purpose": .string(version.purpose.rawValue),
                        "createdAt": .string(version.createdAt.iso8601),
                        "publishedAt": version.publishedAt.map { .string($0.iso8601) } ?? .null,
                        "live": .bool(version.version == asset.liveVersion),
                    ]
                }
            ),
        ]
    }

    static func version(_ version: AssetVersion, live: Bool) -> JSONValue {
        [
            "version": .number(String(version.version)),
            "purpose": .string(version.purpose.rawValue),
            "content": version.content,
            "createdAt": .string(version.createdAt.iso8601),
            "publishedAt": version.publishedAt.map { .string($0.iso8601) } ?? .null,
        ]
    }

    /// An answer: `{"success":true, …}`.
    static func success(_ fields: [String: JSONValue]) -> JSONValue {
        var fields = fields
        fields["success"] = true
        return .object(fields)
    }
}
