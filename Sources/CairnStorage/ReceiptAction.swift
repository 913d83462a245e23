import CairnCore

/// What a provider's receipt does to its message, by the message's status, the same on every
/// backend: applied to a sent message (a failure report also to a delivered one), kept for one
/// not yet recorded sent, refused otherwise. A receipt that names a provider message id other
/// than the one recorded with the message is about another attempt at it (one that timed out
/// after the provider took it, say), and is refused too.
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
        case .sent, .delivered:
            if !Self.isSameAttempt(providerMessageId, recordedProviderMessageId) {
                self = .refuse
            } else {
                self = status == .delivered && delivered ? .refuse : .apply
            }
        case .failed, .dead: self = .refuse
        }
    }

    /// Whether a receipt naming `providerMessageId` may be about the attempt recorded with
    /// `recorded`: unless both are known and differ. (The SQL that applies kept receipts when a
    /// message is recorded sent asks the same of each.)
    static func isSameAttempt(_ providerMessageId: String?, _ recorded: String?) -> Bool {
        guard let providerMessageId, let recorded else { return true }
        return providerMessageId == recorded
    }

    /// The status a receipt gives its message.
    static func status(delivered: Bool) -> MessageStatus { delivered ? .delivered : .failed }
}
