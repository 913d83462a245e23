/// Why an event (or a request) was refused: a stable machine code and a sentence for a person.
public struct EventRejection: Error, Sendable, Hashable {
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Stable machine codes. Clients may branch on these; never rename one.
    public enum Code: String, Sendable, CaseIterable {
        case invalidJSON = "invalid_json"
        case jsonTooDeep = "json_too_deep"
        case bodyNotObject = "body_not_object"
        case invalidFieldType = "invalid_field_type"
        case missingUserId = "missing_user_id"
        case missingIdentity = "missing_user_or_anonymous_id"
        case missingTraits = "missing_traits"
        case missingEvent = "missing_event"
        case eventMismatch = "event_mismatch"
        case invalidTimestamp = "invalid_timestamp"
        case timestampInFuture = "timestamp_in_future"
        case missingAssetId = "missing_asset_id"
        case missingJourneyId = "missing_journey_id"
        case invalidStepId = "invalid_step_id"
        case missingBatch = "missing_batch"
        case emptyBatch = "empty_batch"
        case batchTooLarge = "batch_too_large"
        case invalidBatchItems = "invalid_batch_items"
        case unknownAction = "unknown_action"
        case messageTooLarge = "message_too_large"
        case missingGroupId = "missing_group_id"
        case missingPreviousId = "missing_previous_id"
        case missingContactUid = "missing_contact_uid"
        case missingAccountUid = "missing_account_uid"
        case missingEventUid = "missing_event_uid"
        case unknownMethod = "unknown_method"
        case invalidCharacter = "invalid_character"
        case blankId = "blank_id"
        case valueTooLong = "value_too_long"
    }
}
