/// The field rules of the Track API for one identify, track, page or screen event.
public enum EventValidator {
    /// Checks `body` against the rules of `action` and reads what the log stores beside it.
    /// `action` must be one of `TrackAction.eventActions`.
    public static func validate(
        action: EventAction,
        body: JSONValue,
        receivedAt: Timestamp
    ) throws(EventRejection) -> ValidatedEvent {
        guard case .object(let fields) = body else {
            throw EventRejection(.bodyNotObject, "The request body must be a JSON object, not \(body.typeName).")
        }
        let userId = try FieldReader.identifier(fields["userId"], field: "userId")
        let anonymousId = try FieldReader.identifier(fields["anonymousId"], field: "anonymousId")
        try FieldReader.requireOptionalObject(fields["context"], field: "context")
        try FieldReader.requireOptionalObject(fields["properties"], field: "properties")
        let (originalTimestamp, eventTime) = try readTimestamp(fields["timestamp"], receivedAt: receivedAt)
        try EventTimeRules.requireNotInFuture(eventTime, receivedAt: receivedAt)

        var eventName: String?
        var command: Command?
        switch action {
        case .identify:
            try requireMatchingEvent(fields["event"], action: action)
            guard userId != nil else {
                throw EventRejection(.missingUserId, "An identify event needs a userId: your unique id for the user.")
            }
            guard let traits = fields["traits"], !traits.isNull else {
                throw EventRejection(.missingTraits, "An identify event needs a traits object.")
            }
            guard case .object = traits else {
                throw EventRejection(.invalidFieldType, "traits must be an object, not \(traits.typeName).")
            }
        case .track:
            guard userId != nil else {
                throw EventRejection(.missingUserId, "A track event needs a userId: your unique id for the user.")
            }
            guard let name = fields["event"], !name.isNull else {
                throw EventRejection(.missingEvent, "A track event needs an event: the name of the action.")
            }
            guard case .string(let text) = name, !text.isEmpty else {
                throw EventRejection(.invalidFieldType, "event must be a non-empty string.")
            }
            eventName = text
            command = try Command.parse(eventName: text, body: fields)
        case .page, .screen:
            try requireMatchingEvent(fields["event"], action: action)
            guard userId != nil || anonymousId != nil else {
                throw EventRejection(
                    .missingIdentity,
                    "A \(action.rawValue) event needs a userId or, when the user is not known yet, an anonymousId."
                )
            }
            eventName = FieldReader.nonEmptyString(fields["name"])
        case .group, .alias:
            throw EventRejection(
                .unknownAction,
                "The Track API takes identify, track, page and screen; send \(action.rawValue) to the Segment API."
            )
        }
        let event = ValidatedEvent(
            action: action,
            eventName: eventName,
            userId: userId,
            anonymousId: anonymousId,
            originalTimestamp: originalTimestamp,
            eventTime: eventTime,
            command: command
        )
        try event.requireStorableText()
        return event
    }

    /// The spec's identify and page bodies repeat their action in `event`; when present it must agree.
    private static func requireMatchingEvent(_ value: JSONValue?, action: EventAction) throws(EventRejection) {
        switch value {
        case .none, .null?: return
        case .string(let text)? where text.lowercased() == action.rawValue: return
        default:
            throw EventRejection(
                .eventMismatch,
                "event must be \"\(action.rawValue)\" on the \(action.rawValue) action; send other events to track."
            )
        }
    }

    static func readTimestamp(
        _ value: JSONValue?,
        receivedAt: Timestamp
    ) throws(EventRejection) -> (String?, Timestamp) {
        switch value {
        case .none, .null?:
            return (nil, receivedAt)
        case .string(let text)?:
            guard let parsed = Timestamp(iso8601: text) else {
                throw EventRejection(
                    .invalidTimestamp,
                    "timestamp \"\(text)\" is not an ISO-8601 date-time such as 2019-11-18T13:30:11.444Z."
                )
            }
            return (text, parsed)
        case let other?:
            throw EventRejection(
                .invalidTimestamp,
                "timestamp must be an ISO-8601 string such as 2019-11-18T13:30:11.444Z, not \(other.typeName)."
            )
        }
    }
}
