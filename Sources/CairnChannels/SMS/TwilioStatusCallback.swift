/// The form Twilio posts to a message's StatusCallback, read into what it means for the message.
public enum TwilioStatusCallback {
    /// What a status callback says about its message.
    public enum Outcome: Sendable, Equatable {
        /// Reached the handset ("delivered", or "read" on channels that report it).
        case delivered
        /// Will not arrive ("failed", "undelivered", "canceled"), with Twilio's ErrorCode if given.
        case failed(errorCode: Int?)
        /// Still on its way ("queued", "sending", "sent", "accepted", "scheduled", …): the status as sent.
        case progress(String)
    }

    /// The decoded pairs of a form-urlencoded body, in order (`+` and `%XX` decoded).
    public static func parameters(fromForm body: String) -> [(String, String)] {
        TwilioForm.decode(body)
    }

    /// The outcome named by `MessageStatus` (or the older `SmsStatus`); nil when neither is there.
    public static func outcome(of parameters: [(String, String)]) -> Outcome? {
        let status = value(of: "MessageStatus", in: parameters) ?? value(of: "SmsStatus", in: parameters)
        guard let status, !status.isEmpty else { return nil }
        switch status.lowercased() {
        case "delivered", "read":
            return .delivered
        case "failed", "undelivered", "canceled":
            return .failed(errorCode: value(of: "ErrorCode", in: parameters).flatMap { Int($0) })
        default:
            return .progress(status)
        }
    }

    private static func value(of name: String, in parameters: [(String, String)]) -> String? {
        parameters.first { $0.0 == name }?.1
    }
}
