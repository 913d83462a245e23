/// The rules of a Track API batch: `{"batch":[…], "context":{…}}`, every item an event naming
/// its action in `type` or `event`. A batch is accepted or refused whole.
public enum BatchValidator {
    public static let defaultMaxItems = 10_000

    public static func validate(
        body: JSONValue,
        receivedAt: Timestamp,
        maxItems: Int = defaultMaxItems
    ) throws(BatchRejection) -> [IngestedEvent] {
        let envelope = try BatchEnvelope.open(
            body,
            shape: .object,
            noun: "event",
            itemsPhrase: "batch items",
            maxItems: maxItems
        )
        do throws(EventRejection) {
            try FieldReader.requireOptionalObject(envelope.fields["context"], field: "context")
        } catch {
            throw BatchRejection(error)
        }
        let outerContext = envelope.fields["context"]?.objectValue
        return try envelope.collect(policy: .allOrNothing) { item throws(EventRejection) in
            let merged = mergeContext(outerContext, into: item)
            let event = try EventValidator.validate(
                action: try action(of: merged),
                body: merged,
                receivedAt: receivedAt
            )
            return IngestedEvent(event: event, body: merged.encoded())
        }.accepted
    }

    /// The action an item names: `type` when present, else an `event` of identify, page or
    /// screen, else track (an item with only an event name is a track event).
    static func action(of item: JSONValue) throws(EventRejection) -> EventAction {
        guard case .object(let fields) = item else {
            throw EventRejection(.bodyNotObject, "Each batch item must be a JSON object, not \(item.typeName).")
        }
        if let type = fields["type"], !type.isNull {
            guard let name = type.stringValue, let action = EventAction(name: name),
                TrackAction.eventActions.contains(action)
            else {
                throw EventRejection(
                    .unknownAction,
                    "type must be one of identify, track, page or screen."
                )
            }
            return action
        }
        guard let name = fields["event"]?.stringValue else {
            throw EventRejection(
                .missingEvent,
                "Each batch item needs a type or an event naming its action (identify, track, page or screen)."
            )
        }
        if let action = EventAction(name: name), TrackAction.eventActions.contains(action) { return action }
        return .track
    }

    private static func mergeContext(_ context: [String: JSONValue]?, into item: JSONValue) -> JSONValue {
        guard let context, case .object(var fields) = item else { return item }
        if let own = fields["context"], !own.isNull {
            fields["context"] = own.filling(defaults: .object(context))
        } else {
            fields["context"] = .object(context)
        }
        return .object(fields)
    }
}
