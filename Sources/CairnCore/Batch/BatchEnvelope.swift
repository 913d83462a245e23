/// The envelope of a batch, checked once for every surface: where the items are (a `batch`
/// array in an object, or the body itself as an array), that there is at least one and not
/// too many, and the fields beside them. Then each item goes through its surface's rules,
/// and `collect` keeps the good ones under the surface's policy.
public struct BatchEnvelope: Sendable {
    /// How a surface wraps its items.
    public enum Shape: Sendable {
        /// `{"batch":[…], …}` (Track and Segment).
        case object
        /// `[…]` (Salesmachine).
        case array
    }

    /// What happens to a batch with some bad items.
    public enum Policy: Sendable {
        /// Refused whole, naming every bad item (Track and Salesmachine).
        case allOrNothing
        /// The good items are taken and the bad ones listed; refused only when none is good (Segment).
        case takeTheGood
    }

    public var items: [JSONValue]
    /// The envelope's fields beside `batch` (`context`, `sentAt`, …); empty for an array.
    public var fields: [String: JSONValue]
    /// What one item is called in messages: "event", "message", "call".
    public var noun: String
    /// What the items are called in a count of bad ones ("2 of the 5 batch items are invalid").
    public var itemsPhrase: String

    public init(items: [JSONValue], fields: [String: JSONValue], noun: String, itemsPhrase: String? = nil) {
        self.items = items
        self.fields = fields
        self.noun = noun
        self.itemsPhrase = itemsPhrase ?? noun + "s"
    }

    /// Checks the envelope. `noun` names an item in the refusals.
    public static func open(
        _ body: JSONValue,
        shape: Shape,
        noun: String,
        itemsPhrase: String? = nil,
        maxItems: Int
    ) throws(BatchRejection) -> BatchEnvelope {
        let items: [JSONValue]
        var fields: [String: JSONValue] = [:]
        switch (shape, body) {
        case (.object, .object(let object)):
            guard let list = object["batch"] else {
                throw BatchRejection(EventRejection(.missingBatch, "A batch needs a batch array of \(noun)s."))
            }
            guard case .array(let array) = list else {
                throw BatchRejection(EventRejection(.invalidFieldType, "batch must be an array, not \(list.typeName)."))
            }
            items = array
            fields = object
            fields["batch"] = nil
        case (.object, _):
            throw BatchRejection(
                EventRejection(.bodyNotObject, "The request body must be a JSON object, not \(body.typeName).")
            )
        case (.array, .array(let array)):
            items = array
        case (.array, _):
            throw BatchRejection(EventRejection(.invalidFieldType, "A batch is a JSON array, not \(body.typeName)."))
        }
        guard !items.isEmpty else {
            throw BatchRejection(EventRejection(.emptyBatch, "The batch array is empty: send at least one \(noun)."))
        }
        guard items.count <= maxItems else {
            throw BatchRejection(
                EventRejection(
                    .batchTooLarge,
                    "A batch holds at most \(maxItems) \(noun)s; this one has \(items.count)."
                )
            )
        }
        return BatchEnvelope(items: items, fields: fields, noun: noun, itemsPhrase: itemsPhrase)
    }

    /// Runs `rules` over every item and keeps what `policy` keeps.
    public func collect(
        policy: Policy,
        _ rules: (JSONValue) throws(EventRejection) -> IngestedEvent
    ) throws(BatchRejection) -> IngestBatch {
        try collectEach(policy: policy) { item throws(EventRejection) in [try rules(item)] }
    }

    /// The same, for rules that may make several events of one item (a Salesmachine contact
    /// that names its account is a person's call and a membership).
    public func collectEach(
        policy: Policy,
        _ rules: (JSONValue) throws(EventRejection) -> [IngestedEvent]
    ) throws(BatchRejection) -> IngestBatch {
        var batch = IngestBatch(accepted: [])
        batch.accepted.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do throws(EventRejection) {
                batch.accepted.append(contentsOf: try rules(item))
            } catch {
                batch.rejected.append(BatchRejection.Item(index: index, rejection: error))
            }
        }
        switch policy {
        case .allOrNothing where !batch.rejected.isEmpty:
            let count = batch.rejected.count
            throw BatchRejection(
                EventRejection(
                    .invalidBatchItems,
                    "\(count) of the \(items.count) \(itemsPhrase) \(count == 1 ? "is" : "are") invalid; "
                        + "nothing in the batch was stored."
                ),
                items: batch.rejected
            )
        case .takeTheGood where batch.accepted.isEmpty:
            throw BatchRejection(
                EventRejection(.invalidBatchItems, "No \(noun) in the batch is valid; nothing was stored."),
                items: batch.rejected
            )
        default:
            return batch
        }
    }
}
