import CairnCore
import Hummingbird

/// How the admin API writes journeys. Every optional field is written, `null` when unset.
enum JourneyAnswer {
    struct Journey: Encodable, Sendable {
        let journeyId: String
        let name: String
        let status: String
        let liveVersion: Int?
        let createdAt: String
        let updatedAt: String
        let live: Version?
        let draft: Version?
        let versions: [Version]

        init(_ journey: CairnCore.Journey) {
            journeyId = journey.journeyId
            name = journey.name
            status = journey.status.rawValue
            liveVersion = journey.liveVersion
            createdAt = journey.createdAt.iso8601
            updatedAt = journey.updatedAt.iso8601
            live = journey.live.map(Version.init)
            draft = journey.draft.map(Version.init)
            versions = journey.versions.map(Version.init)
        }

        private enum CodingKeys: String, CodingKey {
            case journeyId, name, status, liveVersion, createdAt, updatedAt, live, draft, versions
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(journeyId, forKey: .journeyId)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(liveVersion, forKey: .liveVersion)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(live, forKey: .live)
            try container.encode(draft, forKey: .draft)
            try container.encode(versions, forKey: .versions)
        }
    }

    /// One version with its definition.
    struct Version: Encodable, Sendable {
        let version: Int
        let definition: JSONValue
        let createdAt: String
        let publishedAt: String?

        init(_ version: JourneyVersion) {
            self.version = version.version
            definition = version.definition
            createdAt = version.createdAt.iso8601
            publishedAt = version.publishedAt?.iso8601
        }

        private enum CodingKeys: String, CodingKey {
            case version, definition, createdAt, publishedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(definition, forKey: .definition)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(publishedAt, forKey: .publishedAt)
        }
    }

    /// Creating, saving, publishing, pausing, resuming, showing or archiving one journey.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let journey: Journey
    }

    /// `GET …/journeys/{journeyId}`: the journey, and how many customers wait on each step.
    struct Shown: ResponseEncodable, Sendable {
        let success = true
        let journey: Journey
        let customersAtSteps: [String: Int]
    }

    /// `GET …/journeys`, newest first.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let journeys: [Journey]
    }
}
