public import CairnChannels
public import CairnCore
public import CairnStorage
public import Logging
import Synchronization

/// Finds the sender for a brand's channel: the brand's own provider (its settings unsealed from
/// the channel store), else the server's default. Senders are kept, so SMTP sessions are reused;
/// a brand's settings are read again at most every few seconds, and a changed provider replaces
/// its sender.
public final class ChannelProviders: SenderDirectory {
    private struct Cached {
        var sender: any ChannelSender
        /// When the brand's settings were saved; nil for the server's default sender.
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
    /// when there are none, they cannot be read now, or cannot be opened. For checking a
    /// provider's webhook.
    public func settings(for tenant: Tenant, channel: AssetChannel) async -> ProviderSettings? {
        do {
            guard let record = try await store.channel(tenant: tenant, channel: channel) else {
                return defaultSettings[channel]
            }
            return try open(record)
        } catch {
            return nil
        }
    }

    /// The channels every brand has (the server's defaults).
    public var defaultChannels: Set<AssetChannel> { Set(defaults.keys) }

    public func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup {
        let key = BrandChannel(tenant: tenant, channel: channel)
        let now = clock.uptime()
        let cached = cache.withLock { $0[key] }
        if let cached, now - cached.checkedAt < recheckSeconds { return .found(cached.sender) }
        let record: ChannelRecord?
        do {
            record = try await store.channel(tenant: tenant, channel: channel)
        } catch {
            // The database is away: keep using what was known.
            if let cached { return .found(cached.sender) }
            return .unavailable(.transient(.providerUnavailable("The brand's channel settings could not be read.")))
        }
        guard let record else {
            guard let fallback = defaults[channel] else {
                cache.withLock { _ = $0.removeValue(forKey: key) }
                let error = EventError.channelNotConfigured(channel)
                return .unavailable(
                    .permanent(MessageError(code: error.code, message: error.message), withdrawsConsent: false)
                )
            }
            let replaced = cache.withLock { cache in
                defer { cache[key] = Cached(sender: fallback, updatedAt: nil, checkedAt: now) }
                return cache[key].flatMap { $0.updatedAt == nil ? nil : $0.sender }
            }
            if let replaced { await replaced.shutdown() }
            return .found(fallback)
        }
        if let cached, cached.updatedAt == record.updatedAt {
            cache.withLock { $0[key]?.checkedAt = now }
            return .found(cached.sender)
        }
        let settings: ProviderSettings
        do {
            settings = try open(record)
        } catch {
            logger.error(
                "a brand's channel settings cannot be used",
                metadata: ["tenant": "\(tenant)", "channel": "\(channel)", "error": "\(String(reflecting: error))"]
            )
            let problem = MessageError.providerMisconfigured("The brand's \(channel) settings cannot be used: \(error)")
            return .unavailable(.permanent(problem, withdrawsConsent: false))
        }
        let made = Self.sender(for: settings, publicBaseURL: publicBaseURL, logger: logger)
        // Another lookup may have made one for these same settings meanwhile: keep the first.
        let (sender, unused) = cache.withLock { cache -> (any ChannelSender, (any ChannelSender)?) in
            if let existing = cache[key], existing.updatedAt == record.updatedAt { return (existing.sender, made) }
            let old = cache[key].flatMap { $0.updatedAt == nil ? nil : $0.sender }
            cache[key] = Cached(sender: made, updatedAt: record.updatedAt, checkedAt: now)
            return (made, old)
        }
        if let unused { await unused.shutdown() }
        return .found(sender)
    }

    /// A brand's stored settings, unsealed and read.
    private func open(_ record: ChannelRecord) throws -> ProviderSettings {
        guard let box else { throw MissingSecretKey() }
        return try ProviderSettings(
            json: try JSONParser.parse(try box.open(record.sealedSettings)),
            channel: record.channel
        )
    }

    /// Closes every sender's sessions: the brands' own, then the defaults.
    public func shutdown() async {
        let senders = cache.withLock { cache in
            defer { cache.removeAll() }
            return cache.values.compactMap { $0.updatedAt == nil ? nil : $0.sender }
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

struct MissingSecretKey: Error, CustomStringConvertible {
    var description: String { "no CAIRN_SECRET_KEY is set to open them" }
}
