import CairnCore

/// The columns an attempt's outcome sets, the same on every backend.
struct MessageChange {
    var status: MessageStatus
    var nextAttemptAt: Int64?
    var providerMessageId: String?
    var error: MessageError?
    var sentAt: Int64?

    init(_ outcome: DeliveryRecord, at time: Timestamp) {
        switch outcome {
        case .sent(let providerMessageId):
            self.init(status: .sent, providerMessageId: providerMessageId, sentAt: time.millisecondsSinceEpoch)
        case .retry(let error, let next):
            self.init(status: .queued, nextAttemptAt: next.millisecondsSinceEpoch, error: error)
        case .failed(let error):
            self.init(status: .failed, error: error)
        case .dead(let error):
            self.init(status: .dead, error: error)
        }
    }

    private init(
        status: MessageStatus,
        nextAttemptAt: Int64? = nil,
        providerMessageId: String? = nil,
        error: MessageError? = nil,
        sentAt: Int64? = nil
    ) {
        self.status = status
        self.nextAttemptAt = nextAttemptAt
        self.providerMessageId = providerMessageId
        self.error = error
        self.sentAt = sentAt
    }
}
