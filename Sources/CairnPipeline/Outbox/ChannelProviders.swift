public import CairnChannels
public import CairnCore
public import CairnStorage
public import Logging
import Synchronization

/// Finds the sender for a brand's channel: the brand's own provider (its settings unsealed from
/// the channel store), else the server's default. Senders are kept, so SMTP sessions are reused;
/// a brand's settings are read again at most every few seconds, and a changed provider replaces
/// its sender.
public final class ChannelProviders: Sendable {
    private struct Cached {
        var sender: any ChannelSender
        var updatedAt: Timestamp?
        var checkedAt: Double
    }

    private let store: any ChannelStore
    private let box: SecretBox?
    private let defaults: [AssetChannel: any ChannelSender]
    private let defaultSettings: [AssetChannel: ProviderSettings]
    private let publicBaseURL: String?
    private let clock: any CairnClock
    private let logger: Logger
    private let recheckSeconds: Double
    private let cache = Mutex<[BrandChannel: Cached]>([:])

    public init(
        store: any ChannelStore,
        box: SecretBox?,
        defaults: [ProviderSettings],
        publicBaseURL: String?,
        clock: any CairnClock,
        recheckSeconds: Double = 5,
        logger: Logger
    ) {
        self.store = store
        self.box = box
        self.publicBaseURL = publicBaseURL
        self.clock = clock
        self.recheckSeconds = recheckSeconds
        self.logger = logger
        var senders: [AssetChannel: any ChannelSender] = [:]
        for settings in defaults {
            senders[settings.channel] = Self.sender(for: settings, publicBaseURL: publicBaseURL, logger: logger)
        }
        self.defaults = senders
        self.defaultSettings = Dictionary(defaults.map { ($0.channel, $0) }) { first, _ in first }
    }

    /// A brand's provider settings for a channel (its own, else the server's), read afresh; nil
    /// when there are none or they cannot be opened. For checking a provider's webhook.
    public func settings(for tenant: Tenant, channel: AssetChannel) async -> ProviderSettings? {
        guard let record = try? await store.channel(tenant: tenant, channel: channel) else {
            return defaultSettings[channel]
        }
        guard let box, let opened = try? box.open(record.sealedSettings),
            let json = try? JSONParser.parse(opened)
        else { return nil }
        return try? ProviderSettings(json: json, channel: channel)
    }

    /// The channels every brand has (the server's defaults).
    public var defaultChannels: Set<AssetChannel> { Set(defaults.keys) }

    /// The sender for a brand's channel, or why there is none.
    public func sender(for tenant: Tenant, channel: AssetChannel) async -> Result<any ChannelSender, MessageError> {
        let key = BrandChannel(tenant: tenant, channel: channel)
        let now = clock.uptime()
        if let cached = cache.withLock({ $0[key] }), now - cached.checkedAt < recheckSeconds {
            return .success(cached.sender)
        }
        let record: ChannelRecord?
        do {
            record = try await store.channel(tenant: tenant, channel: channel)
        } catch {
            // The database is away: keep using what was known.
            if let cached = cache.withLock({ $0[key] }) { return .success(cached.sender) }
            return .failure(.providerUnavailable("The brand's channel settings could not be read."))
        }
        guard let record else {
            cache.withLock { _ = $0.removeValue(forKey: key) }
            guard let fallback = defaults[channel] else {
                return .failure(EventError.channelNotConfigured(channel).asMessageError)
            }
            return .success(fallback)
        }
        if let cached = cache.withLock({ $0[key] }), cached.updatedAt == record.updatedAt {
            cache.withLock { $0[key]?.checkedAt = now }
            return .success(cached.sender)
        }
        let settings: ProviderSettings
        do {
            guard let box else { throw MissingSecretKey() }
            let json = try JSONParser.parse(try box.open(record.sealedSettings))
            settings = try ProviderSettings(json: json, channel: channel)
        } catch {
            logger.error(
                "a brand's channel settings cannot be used",
                metadata: ["tenant": "\(tenant)", "channel": "\(channel)", "error": "\(error)"]
            )
            return .failure(.providerMisconfigured("The brand's \(channel) settings cannot be used: \(error)"))
        }
        let made = Self.sender(for: settings, publicBaseURL: publicBaseURL, logger: logger)
        // Another lookup may have made one for these same settings meanwhile: keep the first.
        let (sender, unused) = cache.withLock { cache -> (any ChannelSender, (any ChannelSender)?) in
            if let existing = cache[key], existing.updatedAt == record.updatedAt { return (existing.sender, made) }
            let old = cache[key]?.sender
            cache[key] = Cached(sender: made, updatedAt: record.updatedAt, checkedAt: now)
            return (made, old)
        }
        if let unused { await unused.shutdown() }
        return .success(sender)
    }

    /// Closes every sender's sessions.
    public func shutdown() async {
        let senders = cache.withLock { cache in
            defer { cache.removeAll() }
            return cache.values.map(\.sender)
        }
        for sender in senders { await sender.shutdown() }
        for sender in defaults.values { await sender.shutdown() }
    }

    static func sender(for settings: ProviderSettings, publicBaseURL: String?, logger: Logger) -> any ChannelSender {
        switch settings {
        case .smtp(_, let smtp, let defaults):
            return EmailSender(settings: smtp, defaults: defaults, logger: logger)
        case .twilio(let twilio):
            return SMSSender(settings: twilio, publicBaseURL: publicBaseURL, logger: logger)
        }
    }
}

extension EventError {
    var asMessageError: MessageError { MessageError(code: code, message: message) }
}

struct MissingSecretKey: Error, CustomStringConvertible {
    var description: String { "no CAIRN_SECRET_KEY is set to open them" }
}
