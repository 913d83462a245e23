extension ValidatedEvent {
    /// The longest an id (userId, anonymousId, groupId, previousId, messageId) or an event name
    /// may be, in bytes of UTF-8: far past any real one, short of what would bloat every index.
    public static let maxTextBytes = 1024

    /// Throws if an id or name holds a character that cannot be what the client meant:
    ///
    /// - NUL (`\u0000`): JSON may carry it, but a database text column (PostgreSQL's) cannot, and
    ///   one such event would fail the whole group commit it shares with other requests' events;
    /// - U+FFFD, the replacement character: what the JSON reader puts for bytes that are not UTF-8
    ///   (RFC 8259 requires UTF-8) and for an unpaired surrogate (`\ud800`). Two different ids
    ///   would otherwise become one customer.
    func requireStorableText(messageId: String? = nil) throws(EventRejection) {
        let fields: [(String, String?)] = [
            ("userId", userId), ("anonymousId", anonymousId), ("event name", eventName), ("groupId", groupId),
            ("previousId", previousId), ("messageId", messageId), ("timestamp", originalTimestamp),
        ]
        for (field, value) in fields {
            guard let value else { continue }
            if value.utf8.count > Self.maxTextBytes {
                throw EventRejection(
                    .valueTooLong,
                    "\(field) is \(value.utf8.count) bytes long; ids and names may be at most \(Self.maxTextBytes)."
                )
            }
            if value.utf8.contains(0) {
                throw EventRejection(.invalidCharacter, "\(field) must not contain the NUL character (\\u0000).")
            }
            if value.unicodeScalars.contains("\u{FFFD}") {
                throw EventRejection(
                    .invalidCharacter,
                    "\(field) is not valid text: it holds bytes that are not UTF-8 or an unpaired surrogate "
                        + "(\\ud800-\\udfff), or the replacement character U+FFFD."
                )
            }
        }
    }
}
