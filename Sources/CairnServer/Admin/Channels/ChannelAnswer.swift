import CairnChannels
import CairnCore
import CairnStorage
import Hummingbird

/// How the admin API writes a brand's channel providers, secrets masked.
enum ChannelAnswer {
    /// A provider: the brand's own (`"source":"brand"`, with `updatedAt`) or the server's default
    /// (`"source":"default"`, no `updatedAt` key at all).
    struct Channel: Encodable, Sendable {
        let channel: String
        let source: String
        let provider: String
        let settings: JSONValue
        /// Absent, not `null`, for a default (the synthesized encoding leaves out a nil).
        let updatedAt: String?

        init(_ record: ChannelRecord) {
            channel = record.channel.rawValue
            source = "brand"
            provider = record.provider
            settings = record.summary
            updatedAt = record.updatedAt.iso8601
        }

        init(default settings: ProviderSettings) {
            channel = settings.channel.rawValue
            source = "default"
            provider = settings.provider
            self.settings = settings.summary
            updatedAt = nil
        }
    }

    /// `PUT …/channels/{channel}`.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let channel: Channel
    }

    /// `GET …/channels`: the brand's own, then the defaults of the channels it has none for.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let channels: [Channel]
    }

    /// `DELETE …/channels/{channel}`: `{"success":true}`.
    struct Removed: ResponseEncodable, Sendable {
        let success = true
    }
}
