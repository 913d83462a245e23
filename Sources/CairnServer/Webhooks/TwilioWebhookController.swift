import CairnChannels
import CairnCore
import CairnPipeline
import CairnStorage
import HTTPTypes
import Hummingbird

/// Twilio's delivery receipts: `POST /webhooks/twilio/{messageId}` (the `StatusCallback` each SMS
/// names). The `X-Twilio-Signature` must be Twilio's HMAC of the URL it called and the form,
/// under the auth token of the account that sent the message; then `delivered` or `failed`
/// (`undelivered`) moves the message. A receipt that arrives before the message is recorded sent
/// (Twilio can answer faster than the grouped outcome write) is kept by the outbox and applied
/// with that write, so it too is answered 204. Each attempt at a message that reached Twilio is a
/// Twilio message of its own: the receipt names it (`MessageSid`), and one about another attempt
/// than the one recorded sent (it timed out after Twilio took it) is not applied, and answered 204
/// all the same (Twilio has nothing to retry). A final status only moves forward: a callback
/// carries no timestamp, so a captured one replayed later must change nothing. Other statuses
/// (`sent`, `queued`) change nothing. An unknown message id is answered as a bad signature (403).
struct TwilioWebhookController: Sendable {
    let outbox: any OutboxStore
    let providers: ChannelProviders
    /// Cairn's public base URL (no trailing slash): Twilio signs the URL it called, which is this and the path.
    let publicBaseURL: String
    let clock: any CairnClock

    // A valid header name, written out: the initializer only fails for invalid ones.
    // swift-format-ignore: NeverForceUnwrap
    static let signatureHeader = HTTPField.Name("X-Twilio-Signature")!

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.post("webhooks/twilio/:messageId", use: self.receive)
    }

    @Sendable func receive(request: Request, context: CairnRequestContext) async throws -> Response {
        let messageId = try context.parameters.require("messageId")
        let form = String(buffer: try await request.collectBody(upTo: 64 * 1024, what: "a Twilio status callback"))
        let parameters = TwilioStatusCallback.parameters(fromForm: form)
        // The signature is checked before anything is said about the message: an unknown id, a
        // message that is not an SMS of a Twilio brand, and a forged callback look the same.
        let refused = APIError(
            .forbidden,
            code: "invalid_signature",
            message: "X-Twilio-Signature does not match this request."
        )
        guard let message = try await outbox.message(messageId: messageId), message.channel == .sms,
            case .twilio(let settings)? = await providers.settings(for: message.tenant, channel: .sms)
        else { throw refused }
        let url = publicBaseURL + request.uri.description
        guard let signature = request.headers[Self.signatureHeader],
            TwilioSignature.isValid(signature, url: url, parameters: parameters, authToken: settings.authToken)
        else { throw refused }
        let sid = Self.messageSid(in: parameters)
        switch TwilioStatusCallback.outcome(of: parameters) {
        case .delivered?:
            _ = try await outbox.receipt(
                messageId: messageId,
                providerMessageId: sid,
                delivered: true,
                error: nil,
                at: clock.now()
            )
        case .failed(let code)?:
            let error = MessageError(
                code: "undelivered",
                message: "Twilio reported the message undelivered" + (code.map { " (error \($0))." } ?? ".")
            )
            _ = try await outbox.receipt(
                messageId: messageId,
                providerMessageId: sid,
                delivered: false,
                error: error,
                at: clock.now()
            )
        case .progress?, nil:
            break
        }
        return Response(status: .noContent)
    }

    /// The Twilio message the callback is about: `MessageSid` (or the older `SmsSid`), the sid
    /// Twilio answered the send with; nil when neither is there.
    static func messageSid(in parameters: [(String, String)]) -> String? {
        let named = parameters.first(where: { $0.0 == "MessageSid" }) ?? parameters.first(where: { $0.0 == "SmsSid" })
        guard let sid = named?.1, !sid.isEmpty else { return nil }
        return sid
    }
}
