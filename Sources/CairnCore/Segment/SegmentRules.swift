/// The rules of Segment's HTTP API for one message (identify, track, page, screen, group, alias),
/// which are looser than the Track API's: any call may name the person by `anonymousId` alone.
public enum SegmentRules {
    /// Segment's limit on one message, in bytes of JSON.
    public static let maxMessageBytes = 32 * 1024

    /// Checks `message` against the rules of `action`. `bytes` is the message's JSON as it will be
    /// stored; `batchSentAt` the batch's own `sentAt`, used when the message has none.
    /// `groupNeedsIdentity` false lets a group call name no person: a Salesmachine account upsert.
    public static func validate(
        action: EventAction,
        message: JSONValue,
        bytes: [UInt8],
        batchSentAt: Timestamp? = nil,
        receivedAt: Timestamp,
        groupNeedsIdentity: Bool = true
    ) throws(EventRejection) -> IngestedEvent {
        guard bytes.count <= maxMessageBytes else {
            throw EventRejection(
                .messageTooLarge,
                "A message may be at most \(maxMessageBytes / 1024) KB of JSON; this one is \(bytes.count) bytes."
            )
        }
        guard case .object(let fields) = message else {
            throw EventRejection(.bodyNotObject, "A message must be a JSON object, not \(message.typeName).")
        }
        let userId = try FieldReader.identifier(fields["userId"], field: "userId")
        let anonymousId = try FieldReader.identifier(fields["anonymousId"], field: "anonymousId")
        for field in ["context", "properties", "traits", "integrations"] {
            try FieldReader.requireOptionalObject(fields[field], field: field)
        }
        let messageId = try FieldReader.identifier(fields["messageId"], field: "messageId")
        // RudderStack's browser and mobile SDKs send originalTimestamp instead of timestamp.
        let (originalTimestamp, timestamp) = try EventValidator.readTimestamp(
            fields["timestamp"].flatMap { $0.isNull ? nil : $0 } ?? fields["originalTimestamp"],
            receivedAt: receivedAt
        )
        let sentAt = try readSentAt(fields["sentAt"]) ?? batchSentAt
        let eventTime =
            originalTimestamp == nil
            ? receivedAt
            : EventTimeRules.clamped(ClockSkew.corrected(timestamp: timestamp, sentAt: sentAt, receivedAt: receivedAt))
        try EventTimeRules.requireNotInFuture(eventTime, receivedAt: receivedAt)

        var event = ValidatedEvent(
            action: action,
            eventName: nil,
            userId: userId,
            anonymousId: anonymousId,
            originalTimestamp: originalTimestamp,
            eventTime: eventTime,
            command: nil
        )
        let identityOptional = action == .alias || (action == .group && !groupNeedsIdentity)
        if !identityOptional, userId == nil, anonymousId == nil {
            throw EventRejection(
                .missingIdentity,
                "A \(action.rawValue) call needs a userId or, when the user is not known yet, an anonymousId."
            )
        }
        switch action {
        case .identify:
            break
        case .track:
            guard let name = fields["event"], !name.isNull else {
                throw EventRejection(.missingEvent, "A track call needs an event: the name of the action.")
            }
            guard case .string(let text) = name, !text.isEmpty else {
                throw EventRejection(.invalidFieldType, "event must be a non-empty string.")
            }
            event.eventName = text
            event.command = try Command.parse(eventName: text, body: fields)
        case .page, .screen:
            event.eventName = FieldReader.nonEmptyString(fields["name"])
        case .group:
            guard let groupId = try FieldReader.identifier(fields["groupId"], field: "groupId") else {
                throw EventRejection(.missingGroupId, "A group call needs a groupId: your id for the account.")
            }
            event.groupId = groupId
        case .alias:
            guard userId != nil else {
                throw EventRejection(.missingUserId, "An alias call needs a userId: the person's new id.")
            }
            guard let previousId = try FieldReader.identifier(fields["previousId"], field: "previousId") else {
                throw EventRejection(
                    .missingPreviousId,
                    "An alias call needs a previousId: the id the person was known by before."
                )
            }
            event.previousId = previousId
        }
        try event.requireStorableText(messageId: messageId)
        return IngestedEvent(event: event, body: bytes, messageId: messageId)
    }

    /// A `sentAt`: absent, null, or an ISO-8601 string.
    static func readSentAt(_ value: JSONValue?) throws(EventRejection) -> Timestamp? {
        switch value {
        case .none, .null?:
            return nil
        case .string(let text)?:
            guard let parsed = Timestamp(iso8601: text) else {
                throw EventRejection(
                    .invalidTimestamp,
                    "sentAt \"\(text)\" is not an ISO-8601 date-time such as 2019-11-18T13:30:11.444Z."
                )
            }
            return parsed
        case let other?:
            throw EventRejection(.invalidTimestamp, "sentAt must be an ISO-8601 string, not \(other.typeName).")
        }
    }
}
