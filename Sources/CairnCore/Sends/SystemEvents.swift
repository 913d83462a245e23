/// Events Cairn writes to the log on a customer's behalf, so that what they did outside a
/// client (used an unsubscribe link, told the SMS provider STOP) reaches their consent and
/// timeline exactly as an identify from the client would.
public enum SystemEvents {
    /// The token such events carry: a revoked one that migration 0008 made (its id written there
    /// as it is here), never presented by a client.
    public static let tokenId = "cairn-system"

    /// Why a customer's consent changed without a client saying so.
    public enum Reason: String, Sendable {
        /// The one-click unsubscribe link (RFC 8058) or its page.
        case unsubscribeLink = "unsubscribe_link"
        /// The SMS provider reported the number opted out (Twilio 21610, the recipient sent STOP).
        case providerOptOut = "provider_opt_out"
    }

    /// An identify that withdraws the customer's consent to `channel`.
    public static func withdrawal(
        tenant: Tenant,
        userId: String,
        channel: AssetChannel,
        reason: Reason,
        at time: Timestamp
    ) -> EventLogEntry {
        let body: JSONValue = .object([
            "type": .string("identify"),
            "userId": .string(userId),
            "timestamp": .string(time.iso8601),
            "traits": .object([
                "marketingPreferences": .object([
                    "channels": .array([
                        .object(["channel": .string(channel.rawValue), "subscribed": .bool(false)])
                    ])
                ])
            ]),
            "context": .object(["cairn": .object(["reason": .string(reason.rawValue)])]),
        ])
        return EventLogEntry(
            id: EventID.make(at: time),
            tenant: tenant,
            tokenId: tokenId,
            event: ValidatedEvent(
                action: .identify,
                eventName: nil,
                userId: userId,
                anonymousId: nil,
                originalTimestamp: time.iso8601,
                eventTime: time,
                command: nil
            ),
            receivedAt: time,
            body: body.encoded()
        )
    }
}
