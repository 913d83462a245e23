import CairnCore

/// What a provider's receipt does to its message, by the message's status, the same on every
/// backend: applied to a sent message, kept for one not yet recorded sent, refused otherwise. A
/// final status only moves forward: once `delivered` or `failed`, a message takes no other
/// receipt (callbacks carry no timestamp, so a captured one could be replayed forever). A
/// receipt must name the provider message id recorded with the message: another is about
/// another attempt at it (one that timed out after the provider took it, say), and is refused.
enum ReceiptAction {
    case apply
    case keep
    case refuse

    /// - Parameters:
    ///   - providerMessageId: the provider's id for the message the receipt is about, if it names one.
    ///   - recordedProviderMessageId: the id recorded with the message when it was recorded sent.
    init(status: MessageStatus, delivered: Bool, providerMessageId: String?, recordedProviderMessageId: String?) {
        switch status {
        case .queued, .sending: self = .keep
        case .sent: self = Self.isSameAttempt(providerMessageId, recordedProviderMessageId) ? .apply : .refuse
        case .delivered, .failed, .dead: self = .refuse
        }
    }

    /// Whether a receipt naming `providerMessageId` may be about the attempt recorded with
    /// `recorded`: it names that id, or the provider gave none to record. (The SQL that applies
    /// kept receipts when a message is recorded sent asks the same of each.)
    static func isSameAttempt(_ providerMessageId: String?, _ recorded: String?) -> Bool {
        guard let recorded else { return true }
        return providerMessageId == recorded
    }

    /// The status a receipt gives its message.
    static func status(delivered: Bool) -> MessageStatus { delivered ? .delivered : .failed }
}
