import CairnCore
import Hummingbird

/// How the admin API writes assets. Every optional field is written, `null` when unset.
enum AssetAnswer {
    struct Asset: Encodable, Sendable {
        let assetId: String
        let name: String?
        let channel: String
        let purpose: String?
        let createdAt: String
        let updatedAt: String
        let archivedAt: String?
        let live: Version?
        let draft: Version?
        let versions: [VersionEntry]

        init(_ asset: CairnCore.Asset) {
            assetId = asset.assetId
            name = asset.name
            channel = asset.channel.rawValue
            purpose = asset.purpose?.rawValue
            createdAt = asset.createdAt.iso8601
            updatedAt = asset.updatedAt.iso8601
            archivedAt = asset.archivedAt?.iso8601
            live = asset.live.map(Version.init)
            draft = asset.draft.map(Version.init)
            versions = asset.versions.map { VersionEntry($0, live: $0.version == asset.liveVersion) }
        }

        private enum CodingKeys: String, CodingKey {
            case assetId, name, channel, purpose, createdAt, updatedAt, archivedAt, live, draft, versions
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(assetId, forKey: .assetId)
            try container.encode(name, forKey: .name)
            try container.encode(channel, forKey: .channel)
            try container.encode(purpose, forKey: .purpose)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(archivedAt, forKey: .archivedAt)
            try container.encode(live, forKey: .live)
            try container.encode(draft, forKey: .draft)
            try container.encode(versions, forKey: .versions)
        }
    }

    /// The live or the draft version, with its content.
    struct Version: Encodable, Sendable {
        let version: Int
        let purpose: String
        let content: JSONValue
        let createdAt: String
        let publishedAt: String?

        init(_ version: AssetVersion) {
            self.version = version.version
            purpose = version.purpose.rawValue
            content = version.content
            createdAt = version.createdAt.iso8601
            publishedAt = version.publishedAt?.iso8601
        }

        private enum CodingKeys: String, CodingKey {
            case version, purpose, content, createdAt, publishedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(purpose, forKey: .purpose)
            try container.encode(content, forKey: .content)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(publishedAt, forKey: .publishedAt)
        }
    }

    /// A version in the asset's history: no content, whether it is the live one.
    struct VersionEntry: Encodable, Sendable {
        let version: Int
        let purpose: String
        let createdAt: String
        let publishedAt: String?
        let live: Bool

        init(_ version: AssetVersion, live: Bool) {
            self.version = version.version
            purpose = version.purpose.rawValue
            createdAt = version.createdAt.iso8601
            publishedAt = version.publishedAt?.iso8601
            self.live = live
        }

        private enum CodingKeys: String, CodingKey {
            case version, purpose, createdAt, publishedAt, live
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(purpose, forKey: .purpose)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(publishedAt, forKey: .publishedAt)
            try container.encode(live, forKey: .live)
        }
    }

    /// Saving, publishing, showing or archiving one asset.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let asset: Asset
    }

    /// `GET …/assets`.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let assets: [Asset]
    }
}
