extension ValidatedEvent {
    /// Throws if an id or name holds the NUL character: JSON may carry it (`\u0000`), but a
    /// database text column (PostgreSQL's) cannot, and one such event would fail the whole
    /// group commit it shares with other requests' events.
    func requireStorableText(messageId: String? = nil) throws(EventRejection) {
        let fields: [(String, String?)] = [
            ("userId", userId), ("anonymousId", anonymousId), ("event name", eventName), ("groupId", groupId),
            ("previousId", previousId), ("messageId", messageId), ("timestamp", originalTimestamp),
        ]
        for (field, value) in fields where value?.utf8.contains(0) == true {
            throw EventRejection(.invalidCharacter, "\(field) must not contain the NUL character (\\u0000).")
        }
    }
}
