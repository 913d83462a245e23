/// One event of a batch: its validated fields and the bytes to store for it.
public struct BatchItem: Sendable {
    public var event: ValidatedEvent
    /// The item as stored: its own JSON with the batch's outer `context` merged in beneath.
    public var body: JSONValue

    public init(event: ValidatedEvent, body: JSONValue) {
        self.event = event
        self.body = body
    }
}

/// A batch refused whole: the reason, and for each bad item its index and its own reason.
public struct BatchRejection: Error, Sendable, Hashable {
    public var rejection: EventRejection
    public var items: [Item]

    public struct Item: Sendable, Hashable {
        public var index: Int
        public var rejection: EventRejection

        public init(index: Int, rejection: EventRejection) {
            self.index = index
            self.rejection = rejection
        }
    }

    public init(_ rejection: EventRejection, items: [Item] = []) {
        self.rejection = rejection
        self.items = items
    }
}

/// The rules of a Track API batch: `{"batch":[…], "context":{…}}`, every item an event naming
/// its action in `type` or `event`. A batch is accepted or refused whole.
public enum BatchValidator {
    public static let defaultMaxItems = 10_000

    public static func validate(
        body: JSONValue,
        receivedAt: Timestamp,
        maxItems: Int = defaultMaxItems
    ) throws(BatchRejection) -> [BatchItem] {
        guard case .object(let fields) = body else {
            throw BatchRejection(
                EventRejection(.bodyNotObject, "The request body must be a JSON object, not \(body.typeName).")
            )
        }
        guard let list = fields["batch"] else {
            throw BatchRejection(EventRejection(.missingBatch, "A batch needs a batch array of events."))
        }
        guard case .array(let entries) = list else {
            throw BatchRejection(EventRejection(.invalidFieldType, "batch must be an array, not \(list.typeName)."))
        }
        guard !entries.isEmpty else {
            throw BatchRejection(EventRejection(.emptyBatch, "The batch array is empty: send at least one event."))
        }
        guard entries.count <= maxItems else {
            throw BatchRejection(
                EventRejection(
                    .batchTooLarge,
                    "A batch holds at most \(maxItems) events; this one has \(entries.count)."
                )
            )
        }
        do throws(EventRejection) {
            try FieldReader.requireOptionalObject(fields["context"], field: "context")
        } catch {
            throw BatchRejection(error)
        }
        let outerContext = fields["context"]?.objectValue

        var items: [BatchItem] = []
        items.reserveCapacity(entries.count)
        var failures: [BatchRejection.Item] = []
        for (index, entry) in entries.enumerated() {
            do throws(EventRejection) {
                let merged = mergeContext(outerContext, into: entry)
                let action = try action(of: merged)
                let event = try EventValidator.validate(action: action, body: merged, receivedAt: receivedAt)
                items.append(BatchItem(event: event, body: merged))
            } catch {
                failures.append(BatchRejection.Item(index: index, rejection: error))
            }
        }
        guard failures.isEmpty else {
            let count = failures.count
            throw BatchRejection(
                EventRejection(
                    .invalidBatchItems,
                    "\(count) of the \(entries.count) batch items \(count == 1 ? "is" : "are") invalid; "
                        + "nothing in the batch was stored."
                ),
                items: failures
            )
        }
        return items
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
