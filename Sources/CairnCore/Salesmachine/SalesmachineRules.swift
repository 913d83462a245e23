/// The Salesmachine tracking API, translated into Segment messages so that its calls land in
/// the same log and profiles:
///
/// - `event` (`/v1/track/event`): `contact_uid`, `event_uid` (the Ruby client says `event`),
///   `params` → a track call; `event_uid` `pageview` → a page view whose `url` is `params.visit_url`.
/// - `contact` (`/v1/contact`): `contact_uid`, `params` → an identify call with `params` as traits.
/// - `account` (`/v1/account`): `account_uid`, `params` → a group call naming no person.
///
/// `created_at` (an ISO-8601 time) becomes the message's timestamp and `messageId` is kept for
/// de-duplication.
public enum SalesmachineRules {
    public enum Method: String, Sendable, CaseIterable {
        case event
        case contact
        case account
        /// Some clients send a page view as its own method.
        case pageview
    }

    /// Validates one call of `method` and translates it into the events it makes: the call, and
    /// when a contact call names `params.account_uid`, the contact's membership of that account,
    /// as Salesmachine records it.
    public static func calls(
        method: Method,
        body: JSONValue,
        receivedAt: Timestamp
    ) throws(EventRejection)
        -> [IngestedEvent]
    {
        let call = try validate(method: method, body: body, receivedAt: receivedAt)
        guard method == .contact, let userId = call.event.userId,
            let account = try FieldReader.identifier(body["params"]?["account_uid"], field: "params.account_uid")
        else { return [call] }
        var membership: [String: JSONValue] = [
            "type": "group", "userId": .string(userId), "groupId": .string(account),
            "context": ["library": ["name": "salesmachine"]],
        ]
        if let timestamp = body["created_at"], !timestamp.isNull { membership["timestamp"] = timestamp }
        // A retried call is de-duplicated whole: its membership too.
        if let messageId = call.messageId { membership["messageId"] = .string(messageId + ":account") }
        let translated = JSONValue.object(membership)
        let group = try SegmentRules.validate(
            action: .group,
            message: translated,
            bytes: translated.encoded(),
            receivedAt: receivedAt
        )
        return [call, group]
    }

    /// Validates one call of `method` and translates it.
    public static func validate(
        method: Method,
        body: JSONValue,
        receivedAt: Timestamp
    ) throws(EventRejection) -> IngestedEvent {
        guard case .object(let fields) = body else {
            throw EventRejection(.bodyNotObject, "The request body must be a JSON object, not \(body.typeName).")
        }
        let params: [String: JSONValue]
        switch fields["params"] {
        case .none, .null?: params = [:]
        case .object(let object)?: params = object
        case let other?: throw EventRejection(.invalidFieldType, "params must be an object, not \(other.typeName).")
        }
        var message: [String: JSONValue] = [
            "context": ["library": ["name": "salesmachine"]]
        ]
        for (from, to) in [("created_at", "timestamp"), ("messageId", "messageId")] {
            if let value = fields[from], !value.isNull { message[to] = value }
        }
        let action: EventAction
        switch method {
        case .event, .pageview:
            message["userId"] = .string(try required(fields["contact_uid"], "contact_uid", .missingContactUid))
            let name =
                method == .pageview
                ? "pageview"
                : try required(fields["event_uid"] ?? fields["event"], "event_uid", .missingEventUid)
            if name.lowercased() == "pageview" {
                action = .page
                var properties = params
                if let url = params["visit_url"], !url.isNull { properties["url"] = url }
                message["properties"] = .object(properties)
                if let title = params["display_name"], !title.isNull { message["name"] = title }
            } else {
                action = .track
                message["event"] = .string(name)
                message["properties"] = .object(params)
            }
        case .contact:
            action = .identify
            message["userId"] = .string(try required(fields["contact_uid"], "contact_uid", .missingContactUid))
            message["traits"] = .object(params)
        case .account:
            action = .group
            message["groupId"] = .string(try required(fields["account_uid"], "account_uid", .missingAccountUid))
            message["traits"] = .object(params)
        }
        message["type"] = .string(action.rawValue)
        let translated = JSONValue.object(message)
        return try SegmentRules.validate(
            action: action,
            message: translated,
            bytes: translated.encoded(),
            receivedAt: receivedAt,
            groupNeedsIdentity: false
        )
    }

    /// A Salesmachine batch: a JSON array of calls, each naming its `method`. Refused whole
    /// when any call is wrong, with the index and reason of each.
    public static func validateBatch(
        body: JSONValue,
        receivedAt: Timestamp,
        maxItems: Int = BatchValidator.defaultMaxItems
    ) throws(BatchRejection) -> [IngestedEvent] {
        guard case .array = body else {
            throw BatchRejection(
                EventRejection(.invalidFieldType, "A Salesmachine batch is a JSON array, not \(body.typeName).")
            )
        }
        let envelope = try BatchEnvelope.open(body, shape: .array, noun: "call", maxItems: maxItems)
        return try envelope.collectEach(policy: .allOrNothing) { item throws(EventRejection) in
            let name = item["method"]?.stringValue ?? ""
            guard let method = Method(rawValue: name.lowercased()) else {
                throw EventRejection(
                    .unknownMethod,
                    "Each call needs a method: event, contact, account or pageview"
                        + (name.isEmpty ? "." : "; \"\(name)\" is not one.")
                )
            }
            return try calls(method: method, body: item, receivedAt: receivedAt)
        }.accepted
    }

    /// A required id: a non-empty string, or a number in its written form.
    private static func required(
        _ value: JSONValue?,
        _ field: String,
        _ code: EventRejection.Code
    ) throws(EventRejection) -> String {
        guard let text = try FieldReader.identifier(value, field: field) else {
            throw EventRejection(code, "\(field) is required.")
        }
        return text
    }
}
