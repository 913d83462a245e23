public import CairnChannels
public import CairnCore
public import CairnStorage
public import Logging
import Synchronization

/// Finds the sender for a brand's channel: the brand's own provider (its settings unsealed from
/// the channel store), else the server's default.
///
/// Settings saved before a send was claimed are the ones it goes through, on every node: each
/// lookup is answered by a read of the brand's settings begun after the lookup began (so after the
/// claim, so after any `PUT` answered before it). Lookups of one brand channel that wait together
/// share one read: a busy lane costs a read per round of sends, not one per send, and a lane's
/// reads never overlap. The read is of one brand's one or two channel rows; a per-node cache with
/// an age, or a notice from the node that took the `PUT`, would save it but let a send claimed
/// after the answer go through the old provider (on another node, or until the age ran out).
///
/// Senders are kept while their settings stay the same, so SMTP sessions are reused; a saving is
/// known by its sealed bytes (every saving is sealed with a fresh nonce, where two savings may
/// share an `updatedAt` millisecond). A sender whose settings changed is shut down once the last
/// send given it has ended, never under one.
public final class ChannelProviders: SenderDirectory {
    /// A brand channel's settings as last read, when it has its own.
    private enum Known: Sendable {
        case usable(Provision)
        /// Its settings cannot be used (not opened, or not read): why, for every send until they change.
        case unusable(sealed: [UInt8], SendOutcome)

        var sealed: [UInt8] {
            switch self {
            case .usable(let provision): return provision.sealed
            case .unusable(let sealed, _): return sealed
            }
        }

        var provision: Provision? {
            guard case .usable(let provision) = self else { return nil }
            return provision
        }
    }

    /// What a read answers the lookups it serves.
    private enum Answer: Sendable {
        case brand(Provision)
        /// The server's default sender, or why there is none to use.
        case other(SenderLookup)
    }

    /// One brand channel: its settings as known, and the reads that answer its lookups.
    private struct Lane {
        var known: Known?
        /// Lookups so far, numbered from 1.
        var arrivals: UInt64 = 0
        /// The last read's answer, for the lookups numbered up to `serves` (those that had begun
        /// before the read did).
        var answer: Answer?
        var serves: UInt64 = 0
        var reading: Task<Void, Never>?
    }

    private enum Step: Sendable {
        case done(SenderLookup)
        case wait(Task<Void, Never>)
    }

    private let store: any ChannelStore
    private let box: SecretBox?
    private let defaults: [AssetChannel: any ChannelSender]
    private let defaultSettings: [AssetChannel: ProviderSettings]
    private let makeSender: @Sendable (ProviderSettings) -> any ChannelSender
    /// What a brand's own settings may do (where they connect, which CA files they read).
    private let brandRules: BrandProviderRules
    /// The browsers' push client every push sender shares.
    private let webPush: WebPushClient?
    private let logger: Logger
    private let lanes = Mutex<[BrandChannel: Lane]>([:])
    /// Replaced senders being shut down.
    private let closing = Mutex<[ObjectIdentifier: Task<Void, Never>]>([:])

    /// `keyring`: brands' VAPID keys, for pushes to browsers (which go only where `brandRules`
    /// let brands' providers go: endpoints come from browsers); `vapidSubject`: the server's
    /// `--vapid-subject`, for brands that set none.
    public convenience init(
        store: any ChannelStore,
        box: SecretBox?,
        defaults: [ProviderSettings],
        brandRules: BrandProviderRules,
        publicBaseURL: String?,
        keyring: VAPIDKeyring? = nil,
        vapidSubject: String? = nil,
        pdfRenderer: PDFRenderer? = nil,
        logger: Logger
    ) {
        let webPush = keyring.map { WebPushClient(keys: $0, addressPolicy: brandRules.policy) }
        self.init(
            store: store,
            box: box,
            defaults: defaults,
            brandRules: brandRules,
            webPush: webPush,
            logger: logger
        ) { settings in
            ChannelProviders.sender(
                for: settings,
                publicBaseURL: publicBaseURL,
                webPush: webPush,
                vapidSubject: vapidSubject,
                pdfRenderer: pdfRenderer,
                logger: logger
            )
        }
    }

    /// With `makeSender` making each provider's sender (a test's stand-ins).
    package init(
        store: any ChannelStore,
        box: SecretBox?,
        defaults: [ProviderSettings],
        brandRules: BrandProviderRules = BrandProviderRules(allowsPrivateAddresses: true),
        webPush: WebPushClient? = nil,
        logger: Logger,
        makeSender: @escaping @Sendable (ProviderSettings) -> any ChannelSender
    ) {
        self.webPush = webPush
        self.store = store
        self.box = box
        self.brandRules = brandRules
        self.logger = logger
        self.makeSender = makeSender
        var senders: [AssetChannel: any ChannelSender] = [:]
        for settings in defaults where senders[settings.channel] == nil {
            senders[settings.channel] = makeSender(settings)
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

    /// The sender for a send claimed before this call: answered by a read of the brand's settings
    /// begun after it (another lookup's, when one begins soon enough). A brand's own sender is
    /// held, so not shut down, until the sender answered is let go.
    public func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup {
        let key = BrandChannel(tenant: tenant, channel: channel)
        let ticket = lanes.withLock { lanes in
            lanes[key, default: Lane()].arrivals += 1
            return lanes[key, default: Lane()].arrivals
        }
        while true {
            let step = lanes.withLock { lanes -> Step in
                let lane = lanes[key, default: Lane()]
                if let answer = lane.answer, lane.serves >= ticket {
                    switch answer {
                    case .brand(let provision):
                        provision.hold()
                        return .done(.found(HeldSender(provision, directory: self)))
                    case .other(let lookup):
                        return .done(lookup)
                    }
                }
                if let reading = lane.reading { return .wait(reading) }
                // Serves every lookup so far: each began before this read does.
                let serves = lane.arrivals
                let reading = Task { await self.read(key, serving: serves) }
                lanes[key, default: Lane()].reading = reading
                return .wait(reading)
            }
            switch step {
            case .done(let lookup): return lookup
            case .wait(let reading): await reading.value
            }
        }
    }

    /// Reads a brand channel's settings and answers the lookups numbered up to `serves`: its own
    /// sender (kept while the settings are the same saving, else made anew and the old one
    /// retired), else the server's default.
    private func read(_ key: BrandChannel, serving serves: UInt64) async {
        let known = lanes.withLock { $0[key]?.known }
        let next: Known?
        let answer: Answer
        do {
            if let record = try await store.channel(tenant: key.tenant, channel: key.channel) {
                next = known.flatMap { $0.sealed == record.sealedSettings ? $0 : nil } ?? self.known(from: record)
            } else {
                next = nil
            }
            switch next {
            case .usable(let provision): answer = .brand(provision)
            case .unusable(_, let outcome): answer = .other(.unavailable(outcome))
            case nil: answer = .other(fallback(key.channel))
            }
        } catch {
            // The settings may have changed: no sender known from before is used meanwhile.
            let problem = MessageError.providerUnavailable("The brand's channel settings could not be read.")
            next = known
            answer = .other(.unavailable(.transient(problem)))
        }
        let replaced = lanes.withLock { lanes -> Provision? in
            let old = lanes[key]?.known?.provision
            lanes[key, default: Lane()].known = next
            lanes[key, default: Lane()].answer = answer
            lanes[key, default: Lane()].serves = serves
            lanes[key, default: Lane()].reading = nil
            guard let old, old !== next?.provision else { return nil }
            return old
        }
        // No lookup takes a hold on it from now on: once free of the sends it was given, it closes.
        if let replaced, replaced.retire() { close(replaced) }
    }

    /// The sender made from a brand's saved settings, or why they cannot be used.
    private func known(from record: ChannelRecord) -> Known {
        do {
            let settings = try open(record)
            return .usable(Provision(sender: makeSender(settings), sealed: record.sealedSettings))
        } catch {
            logger.error(
                "a brand's channel settings cannot be used",
                metadata: [
                    "tenant": "\(record.tenant)", "channel": "\(record.channel)",
                    "error": "\(String(reflecting: error))",
                ]
            )
            let problem = MessageError.providerMisconfigured(
                "The brand's \(record.channel) settings cannot be used: \(error)"
            )
            return .unusable(sealed: record.sealedSettings, .permanent(problem, withdrawsConsent: false))
        }
    }

    /// The server's default sender for a brand without its own.
    private func fallback(_ channel: AssetChannel) -> SenderLookup {
        if let sender = defaults[channel] { return .found(sender) }
        let error = EventError.channelNotConfigured(channel)
        let problem = MessageError(code: error.code, message: error.message)
        return .unavailable(.permanent(problem, withdrawsConsent: false))
    }

    /// A brand's stored settings, unsealed and read, under the rules for brands' settings.
    private func open(_ record: ChannelRecord) throws -> ProviderSettings {
        guard let box else { throw MissingSecretKey() }
        let settings = try ProviderSettings(
            json: try JSONParser.parse(try box.open(record.sealedSettings)),
            channel: record.channel
        )
        return try brandRules.applied(to: settings)
    }

    /// Shuts a replaced sender down, apart from the send that let it go last.
    func close(_ provision: Provision) {
        let id = ObjectIdentifier(provision)
        closing.withLock { closing in
            closing[id] = Task {
                await provision.sender.shutdown()
                _ = self.closing.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Waits until the replaced senders being shut down are.
    func replacedSendersClosed() async {
        for task in closing.withLock({ Array($0.values) }) { await task.value }
    }

    /// Closes every sender's sessions: the brands' own (any still held, once let go), then the
    /// defaults.
    public func shutdown() async {
        let own = lanes.withLock { lanes in
            defer { lanes.removeAll() }
            return lanes.values.compactMap { $0.known?.provision }
        }
        for provision in own where provision.retire() { close(provision) }
        await replacedSendersClosed()
        for sender in defaults.values { await sender.shutdown() }
        await webPush?.shutdown()
    }

    static func sender(
        for settings: ProviderSettings,
        publicBaseURL: String?,
        webPush: WebPushClient?,
        vapidSubject: String?,
        pdfRenderer: PDFRenderer?,
        logger: Logger
    ) -> any ChannelSender {
        switch settings {
        case .smtp(_, let smtp, let defaults):
            return EmailSender(settings: smtp, defaults: defaults, logger: logger)
        case .twilio(let twilio):
            return SMSSender(settings: twilio, publicBaseURL: publicBaseURL, logger: logger)
        case .push(let push):
            return PushSender(settings: push, webPush: webPush, subject: vapidSubject, logger: logger)
        case .print(let print):
            switch print.delivery {
            case .spool(let directory):
                return PrintSpoolSender(directory: print.spoolPath ?? directory, renderer: pdfRenderer)
            case .http(let url, let key):
                return PrintHTTPSender(url: url, key: key, renderer: pdfRenderer, addressPolicy: print.addressPolicy)
            }
        }
    }
}

struct MissingSecretKey: Error, CustomStringConvertible {
    var description: String { "no CAIRN_SECRET_KEY is set to open them" }
}
