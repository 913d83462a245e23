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
    ) throws(BatchRejection) -> IngestBatch {
        let envelope = try BatchEnvelope.open(body, shape: .object, noun: "message", maxItems: maxItems)
        let sentAt: Timestamp?
        do throws(EventRejection) {
            try FieldReader.requireOptionalObject(envelope.fields["context"], field: "context")
            try FieldReader.requireOptionalObject(envelope.fields["integrations"], field: "integrations")
            sentAt = try SegmentRules.readSentAt(envelope.fields["sentAt"])
        } catch {
            throw BatchRejection(error)
        }
        var shared: [String: JSONValue] = [:]
        for key in ["context", "integrations"] {
            if let value = envelope.fields[key], !value.isNull { shared[key] = value }
        }
        return try envelope.collect(policy: .takeTheGood) { item throws(EventRejection) in
            let action = try action(of: item)
            let merged = shared.isEmpty ? item : item.filling(defaults: .object(shared))
            return try SegmentRules.validate(
                action: action,
                message: merged,
                bytes: merged.encoded(),
                batchSentAt: sentAt,
                receivedAt: receivedAt
            )
        }
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
