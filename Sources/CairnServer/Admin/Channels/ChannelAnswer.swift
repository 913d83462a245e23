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
        /// The most of the brand's messages on this channel in flight at once, across all nodes.
        let maxInFlight: Int

        init(_ record: ChannelRecord, laneCap: Int) {
            channel = record.channel.rawValue
            source = "brand"
            provider = record.provider
            settings = record.summary
            updatedAt = record.updatedAt.iso8601
            maxInFlight = record.maxInFlight ?? laneCap
        }

        /// The server's default for a channel; its settings (the operator's relay, account) are
        /// shown to a global admin token only (`showsSettings`), `{}` to a brand's.
        init(default settings: ProviderSettings, laneCap: Int, showsSettings: Bool) {
            channel = settings.channel.rawValue
            source = "default"
            provider = settings.provider
            self.settings = showsSettings ? settings.summary : .object([:])
            updatedAt = nil
            maxInFlight = laneCap
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
