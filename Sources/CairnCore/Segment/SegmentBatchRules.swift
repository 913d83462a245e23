/// A Segment batch as read: the messages that passed, and the index and reason of each that did not.
public struct SegmentBatch: Sendable {
    public var accepted: [SegmentMessage]
    public var rejected: [BatchRejection.Item]
}

/// The rules of Segment's `/v1/batch` (and `/v1/import`): `{"batch":[…], "context":{…}, "sentAt":…}`,
/// every item naming its call in `type`. As Segment does, the messages that pass are taken even
/// when others in the batch do not; the batch is refused whole only when none passes or the
/// body itself is wrong.
public enum SegmentBatchRules {
    /// Segment's limit on one batch request, in bytes of JSON.
    public static let maxBatchBytes = 500 * 1024

    public static func validate(
        body: JSONValue,
        receivedAt: Timestamp,
        maxItems: Int = BatchValidator.defaultMaxItems
    ) throws(BatchRejection) -> SegmentBatch {
        guard case .object(let fields) = body else {
            throw BatchRejection(
                EventRejection(.bodyNotObject, "The request body must be a JSON object, not \(body.typeName).")
            )
        }
        guard let list = fields["batch"] else {
            throw BatchRejection(EventRejection(.missingBatch, "A batch needs a batch array of messages."))
        }
        guard case .array(let items) = list else {
            throw BatchRejection(EventRejection(.invalidFieldType, "batch must be an array, not \(list.typeName)."))
        }
        guard !items.isEmpty else {
            throw BatchRejection(EventRejection(.emptyBatch, "The batch array is empty: send at least one message."))
        }
        guard items.count <= maxItems else {
            throw BatchRejection(
                EventRejection(
                    .batchTooLarge,
                    "A batch holds at most \(maxItems) messages; this one has \(items.count)."
                )
            )
        }
        let sentAt: Timestamp?
        do throws(EventRejection) {
            try FieldReader.requireOptionalObject(fields["context"], field: "context")
            try FieldReader.requireOptionalObject(fields["integrations"], field: "integrations")
            sentAt = try SegmentRules.readSentAt(fields["sentAt"])
        } catch {
            throw BatchRejection(error)
        }
        var shared: [String: JSONValue] = [:]
        for key in ["context", "integrations"] {
            if let value = fields[key], !value.isNull { shared[key] = value }
        }

        var batch = SegmentBatch(accepted: [], rejected: [])
        batch.accepted.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do throws(EventRejection) {
                let action = try action(of: item)
                let merged = shared.isEmpty ? item : item.filling(defaults: .object(shared))
                let message = try SegmentRules.validate(
                    action: action,
                    message: merged,
                    bytes: merged.encoded(),
                    batchSentAt: sentAt,
                    receivedAt: receivedAt
                )
                batch.accepted.append(message)
            } catch {
                batch.rejected.append(BatchRejection.Item(index: index, rejection: error))
            }
        }
        guard !batch.accepted.isEmpty else {
            throw BatchRejection(
                EventRejection(.invalidBatchItems, "No message in the batch is valid; nothing was stored."),
                items: batch.rejected
            )
        }
        return batch
    }

    /// The call an item names in `type`.
    static func action(of item: JSONValue) throws(EventRejection) -> EventAction {
        guard case .object(let fields) = item else {
            throw EventRejection(.bodyNotObject, "Each batch item must be a JSON object, not \(item.typeName).")
        }
        guard let name = fields["type"]?.stringValue, let action = EventAction(name: name) else {
            throw EventRejection(
                .unknownAction,
                "Each batch item needs a type: identify, track, page, screen, group or alias."
            )
        }
        return action
    }
}
