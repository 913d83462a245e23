import CairnChannels
import CairnCore
import CairnStorage
import Hummingbird

/// A brand's channel providers under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/channels`:
/// `PUT {channel}` sets one (its secrets sealed at rest), `GET` shows them with secrets masked,
/// beside the server's defaults that brands without their own use; `DELETE {channel}` goes back
/// to the default. A provider may set `maxInFlight`: the most of the brand's messages on that
/// channel in flight at once across all nodes (else the server's `laneCap`).
struct ChannelsController: Sendable {
    let channels: any ChannelStore
    let box: SecretBox?
    let defaults: [ProviderSettings]
    /// What a brand's own providers may do: refused when saved where it can be known then.
    let brandRules: BrandProviderRules
    /// A brand channel's most messages in flight when its settings set none.
    let laneCap: Int
    let clock: any CairnClock

    /// The largest `maxInFlight` a brand may set.
    static let maxInFlightLimit = 1000

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("channels", use: self.list)
        group.put("channels/:channel", use: self.put)
        group.delete("channels/:channel", use: self.remove)
    }

    @Sendable func put(request: Request, context: AdminContext) async throws -> ChannelAnswer.One {
        let tenant = try context.administeredTenant()
        let channel = try Self.channel(context)
        var fields = try await AdminBody.read(request).fields
        let maxInFlight = try Self.maxInFlight(fields.removeValue(forKey: "maxInFlight"))
        let settings: ProviderSettings
        do throws(ProviderError) {
            settings = try ProviderSettings(json: .object(fields), channel: channel)
        } catch {
            throw APIError(.badRequest, code: "invalid_provider", message: error.description)
        }
        do throws(BrandProviderRules.Refusal) {
            try brandRules.check(settings)
        } catch {
            throw APIError(.badRequest, code: error.code, message: error.description)
        }
        guard let box else {
            throw APIError(
                .conflict,
                code: "secret_key_missing",
                message: "Set CAIRN_SECRET_KEY on every node: provider secrets are stored encrypted under it."
            )
        }
        let record = ChannelRecord(
            tenant: tenant,
            channel: channel,
            provider: settings.provider,
            sealedSettings: try box.seal(settings.json.encoded()),
            summary: settings.summary,
            updatedAt: clock.now(),
            maxInFlight: maxInFlight
        )
        try await channels.put(record)
        return ChannelAnswer.One(channel: .init(record, laneCap: laneCap))
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> ChannelAnswer.List {
        let own = try await channels.channels(tenant: try context.administeredTenant())
        var entries = own.map { ChannelAnswer.Channel($0, laneCap: laneCap) }
        for settings in defaults where !own.contains(where: { $0.channel == settings.channel }) {
            entries.append(
                ChannelAnswer.Channel(default: settings, laneCap: laneCap, showsSettings: context.adminToken.isGlobal)
            )
        }
        return ChannelAnswer.List(channels: entries)
    }

    @Sendable func remove(request: Request, context: AdminContext) async throws -> ChannelAnswer.Removed {
        let channel = try Self.channel(context)
        guard try await channels.remove(tenant: try context.administeredTenant(), channel: channel) else {
            throw APIError(
                .notFound,
                code: "channel_not_found",
                message: "This brand has no \(channel) provider of its own."
            )
        }
        return ChannelAnswer.Removed()
    }

    /// A body's `maxInFlight`: absent or null for the server's default, else a whole number from 1
    /// to `maxInFlightLimit`.
    static func maxInFlight(_ value: JSONValue?) throws -> Int? {
        guard let value, !value.isNull else { return nil }
        guard case .number(let text) = value, let number = Int(text), (1...maxInFlightLimit).contains(number) else {
            throw APIError(
                .badRequest,
                code: "invalid_max_in_flight",
                message:
                    "maxInFlight must be a whole number from 1 to \(maxInFlightLimit), or null for the server's default."
            )
        }
        return number
    }

    static func channel(_ context: AdminContext) throws -> AssetChannel {
        let text = try context.parameters.require("channel")
        guard let channel = AssetChannel(rawValue: text) else {
            throw APIError(
                .notFound,
                code: "channel_not_found",
                message: "There is no channel \(text): use email, sms, push or print."
            )
        }
        return channel
    }
}
