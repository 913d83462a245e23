import CairnCore

/// What erased rows keep, the same on every backend.
enum ErasedRows {
    /// What an erased event keeps: its id, brand, kind, name and times; an empty payload
    /// (`emptyBody`, the backend's literal for the bytes `{}`) and no messageId.
    static func eventAssignments(emptyBody: String) -> String {
        """
        body = \(emptyBody), user_id = NULL, anonymous_id = NULL, previous_id = NULL, group_id = NULL,
        customer_id = NULL, original_timestamp = NULL, message_id = NULL
        """
    }

    /// What an erased message keeps in place of its recipient (a recipient may not be empty).
    static let recipient = "erased"

    /// Why a message not yet sent failed when its customer was deleted.
    static let customerDeleted = MessageError(
        code: "customer_deleted",
        message: "The customer was deleted by a data-protection request before the message was sent."
    )

    /// Why a message still waiting failed when its customer was suppressed.
    static let customerSuppressed = MessageError(
        code: "customer_suppressed",
        message: EventError.customerSuppressed.message
    )
}
