/// Turns one send command into its messages (one for an email or SMS, one per device for a
/// push), or names the first reason it cannot go. The checks run in this order: the customer is
/// identified; the asset exists (not archived), is live and is for this channel; a marketing
/// asset has the customer's consent; the customer has the contact point (for a push, a device
/// not expired; for a letter, a postal address); the brand (or the server) has a provider; the templates render.
public struct SendPlanner: Sendable {
    public var context: SendContext
    /// The compiled templates of the versions rendered so far (shared by its copies).
    public let templates: TemplateCache

    public init(context: SendContext, templates: TemplateCache = TemplateCache()) {
        self.context = context
        self.templates = templates
    }

    /// One send command to plan.
    public struct Request: Sendable {
        public var eventId: EventID
        public var body: [String: JSONValue]
        public var channel: AssetChannel
        public var assetId: String
        public var profile: CustomerProfile
        public var asset: Asset?
        /// Whether the brand has its own provider for the channel.
        public var brandHasProvider: Bool

        public init(
            eventId: EventID,
            body: [String: JSONValue],
            channel: AssetChannel,
            assetId: String,
            profile: CustomerProfile,
            asset: Asset?,
            brandHasProvider: Bool
        ) {
            self.eventId = eventId
            self.body = body
            self.channel = channel
            self.assetId = assetId
            self.profile = profile
            self.asset = asset
            self.brandHasProvider = brandHasProvider
        }
    }

    /// `makeId` names each message.
    public func plan(
        _ request: Request,
        makeId: () -> String,
        at now: Timestamp
    ) -> Result<[OutboxMessage], EventError> {
        let profile = request.profile
        guard profile.identified else { return .failure(.customerNotIdentified) }
        guard let asset = request.asset, asset.archivedAt == nil else { return .failure(.assetNotFound) }
        guard let live = asset.live else { return .failure(.assetNotLive) }
        guard asset.channel == request.channel else {
            return .failure(.assetChannelMismatch(asset: asset.channel, command: request.channel))
        }
        if live.purpose == .marketing,
            !ConsentRules.isSubscribed(profile.consent, channel: request.channel.rawValue)
        {
            return .failure(.channelNotSubscribed(request.channel))
        }
        let contacts: [String]
        var postal: PostalAddress?
        switch request.channel {
        case .email:
            guard let email = ContactPoints.email(in: profile.traits) else { return .failure(.noEmailAddress) }
            contacts = [email]
        case .sms:
            guard let phone = ContactPoints.phone(in: profile.traits) else { return .failure(.noPhoneNumber) }
            contacts = [phone]
        case .push:
            // Each device is its own message, named by its deviceId (never its token).
            contacts = profile.devices.values.filter { !$0.hasExpired(at: now, expiry: context.pushDeviceExpiry) }
                .map(\.deviceId).sorted()
            guard !contacts.isEmpty else { return .failure(.noPushDevice) }
        case .print:
            guard let address = PostalAddress(traits: profile.traits) else { return .failure(.noPostalAddress) }
            postal = address
            contacts = [address.singleLine]
        }
        guard request.brandHasProvider || context.defaultChannels.contains(request.channel) else {
            return .failure(.channelNotConfigured(request.channel))
        }
        let unsubscribeURL = profile.userId.flatMap { userId in
            context.unsubscribeURL(
                for: UnsubscribeSubject(tenant: profile.tenant, userId: userId, channel: request.channel)
            )
        }
        var data = MergeData(event: .object(request.body), customer: profile)
        if let unsubscribeURL { data.root["unsubscribeUrl"] = .string(unsubscribeURL) }
        if let postal { data.root["address"] = postal.mergeData }
        let rendered: AssetRenderer.Rendered
        do {
            rendered = try AssetRenderer.render(
                live.content,
                channel: asset.channel,
                data: data,
                version: TemplateCache.Key(tenant: asset.tenant, assetId: asset.assetId, version: live.version),
                templates: templates
            )
        } catch {
            return .failure(.templateError(error))
        }
        var content = Self.singleLineHeaders(rendered.content)
        if live.purpose == .marketing, let unsubscribeURL {
            content = content.setting("unsubscribeUrl", to: .string(unsubscribeURL))
        }
        // A letter keeps its address for the print provider, which writes the window's block.
        if let postal { content = content.setting("address", to: postal.stored) }
        return .success(
            contacts.map { contact in
                OutboxMessage(
                    messageId: makeId(),
                    tenant: profile.tenant,
                    eventId: request.eventId,
                    customerId: profile.customerId,
                    userId: profile.userId,
                    channel: request.channel,
                    to: contact,
                    assetId: asset.assetId,
                    version: live.version,
                    purpose: live.purpose,
                    content: content,
                    nextAttemptAt: now,
                    createdAt: now
                )
            }
        )
    }

    /// Fields that become header lines (`from`, `replyTo`, `subject`) lose any line break a
    /// merged value brought in, so no value can add a header of its own.
    static func singleLineHeaders(_ content: JSONValue) -> JSONValue {
        guard case .object(var fields) = content else { return content }
        for name in ["from", "replyTo", "subject"] {
            guard case .string(let text)? = fields[name] else { continue }
            let scalars = text.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) }
            fields[name] = .string(String(scalars))
        }
        return .object(fields)
    }
}
