public import CairnCore

/// What an attempt's outcome changes besides its message, in the transaction that records the
/// outcome (and only when the outcome is saved), so that nothing sees the outcome without it.
public enum OutcomeEffect: Sendable, Hashable {
    /// The provider says the recipient opted out: the consent of the message's customer to
    /// `channel` is withdrawn at once, as of `event`'s time and by the rule the processor applies
    /// to an identify (so the next claim sees it), and `event` (the identify that says so, see
    /// `SystemEvents.withdrawal`) is appended to the event log, so it shows on their timeline;
    /// processing it later changes their consent no further.
    case withdrawConsent(channel: AssetChannel, event: EventLogEntry)
    /// The push service says the device is gone (its token unregistered): the message's
    /// customer forgets the device `deviceId` at once (so the next send_push no longer sees it),
    /// unless it was registered again since with another address (`address`: the token or
    /// endpoint the push went to).
    case removeDevice(deviceId: String, address: String)
}

extension OutcomeEffect {
    /// The consent a withdrawal leaves, by the rule the processor applies to the identify that
    /// states it (so processing that identify later changes nothing).
    static func withdrawing(
        _ channel: AssetChannel,
        as event: EventLogEntry,
        from consent: [String: ChannelConsent]
    ) -> [String: ChannelConsent] {
        ConsentRules.apply([channel.rawValue: false], at: event.event.eventTime, to: consent)
    }

    /// The log's de-duplication cutoff for an effect's event (which has no messageId).
    static func cutoff(for event: EventLogEntry) -> Timestamp {
        MessageDeduplication.cutoff(window: MessageDeduplication.defaultWindow, now: event.receivedAt)
    }
}

extension OutcomeEffect {
    /// A customer's stored devices without the one a push service said is gone; nil when that
    /// changes nothing (the device was removed or registered anew meanwhile).
    static func removing(deviceId: String, address: String, from stored: [UInt8]?) -> [String: PushDevice]? {
        var devices = stored.map(StoredJSON.devices(from:)) ?? [:]
        guard let device = devices[deviceId], device.address == address else { return nil }
        devices[deviceId] = nil
        return devices
    }
}
