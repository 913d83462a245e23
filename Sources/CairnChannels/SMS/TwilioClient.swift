public import AsyncHTTPClient
public import CairnCore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1  // HTTPClientRequest's method and headers, the answer's status: AsyncHTTPClient's own dependency

/// Sends SMS through Twilio's Messages API: `POST {baseURL}/2010-04-01/Accounts/{sid}/Messages.json`,
/// form fields To, From (or MessagingServiceSid), Body and StatusCallback, HTTP Basic auth.
public final class TwilioClient: Sendable {
    /// How long one send may take by default, from connecting to the last byte of the answer.
    public static let defaultTimeout: Duration = .seconds(30)
    /// Twilio's answers are a few hundred bytes; more than this is not Twilio.
    static let maximumAnswerBytes = 1 << 20

    let settings: TwilioSettings
    /// The shared client, or for a provider whose addresses the settings' policy limits, a client
    /// per checked address.
    private let http: ProviderHTTPClient
    private let logger: Logger
    private let timeout: Duration
    private let clock: any CairnClock

    /// `timeout` bounds one send, from connecting to the last byte of the answer; past it the
    /// send fails as transient. (AsyncHTTPClient retries a refused connection until then.)
    public init(
        settings: TwilioSettings,
        httpClient: HTTPClient = .shared,
        logger: Logger,
        timeout: Duration = TwilioClient.defaultTimeout,
        clock: any CairnClock = SystemClock()
    ) {
        self.settings = settings
        self.http = ProviderHTTPClient(
            policy: settings.addressPolicy,
            shared: httpClient,
            grace: timeout + .seconds(10)
        )
        self.logger = logger
        self.timeout = timeout
        self.clock = clock
    }

    /// Sends `request`; the receipt's sid is the provider message id. Errors say whether to try
    /// again: connection failures and time-outs are transient.
    public func send(_ request: SMSRequest) async throws(ProviderError) -> SMSReceipt {
        let senderText = request.from ?? settings.from
        guard let sender = TwilioFrom(senderText) else {
            throw ProviderError.misconfigured(
                "Twilio: sender \"\(senderText)\" is not a phone number, short code, "
                    + "alphanumeric sender ID or messaging service SID"
            )
        }
        var fields = [("To", request.to), sender.field, ("Body", request.body)]
        if let callback = request.statusCallback { fields.append(("StatusCallback", callback)) }

        let httpRequest: HTTPClient.Request
        do {
            httpRequest = try HTTPClient.Request(
                url: settings.messagesURL,
                method: .POST,
                headers: [
                    "Authorization": basicAuthorization, "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                ],
                body: .byteBuffer(ByteBuffer(string: TwilioForm.encode(fields)))
            )
        } catch {
            throw ProviderError.misconfigured("Twilio: the Messages URL cannot be used (\(error))")
        }

        let client = try await http.client(for: settings.messagesURL, provider: "Twilio")
        let exchange = HTTPExchange(maximumAnswerBytes: Self.maximumAnswerBytes)
        let answer: HTTPExchange.Answer
        do {
            answer = try await exchange.run(httpRequest, client: client, timeout: timeout, clock: clock)
        } catch {
            var failure = ProviderError.twilio(httpStatus: nil, code: nil, message: describe(error))
            // Written whole, then no answer (a hang-up, a time-out): Twilio may have taken it.
            if exchange.requestSent { failure.kind = .unknownOutcome }
            logger.debug("Twilio send failed", metadata: ["error": "\(failure.message)"])
            throw failure
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView))) as? [String: Any]
        guard (200..<300).contains(answer.status) else {
            let failure = ProviderError.twilio(
                httpStatus: answer.status,
                code: (json?["code"] as? NSNumber)?.intValue,
                message: json?["message"] as? String ?? (json == nil ? String(buffer: answer.body) : nil)
            )
            logger.debug(
                "Twilio refused the message",
                metadata: ["status": "\(answer.status)", "error": "\(failure.message)"]
            )
            throw failure
        }
        // Twilio took the message (2xx), whatever its answer's body says: sending again would
        // send it twice. An answer that names no sid leaves receipts nothing to match.
        let sid = (json?["sid"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        if sid == nil {
            logger.warning(
                "Twilio took a message but its answer names no message sid",
                metadata: ["status": "\(answer.status)"]
            )
        }
        let receipt = SMSReceipt(sid: sid, status: json?["status"] as? String ?? "queued")
        logger.debug(
            "Twilio accepted the message",
            metadata: ["sid": "\(sid ?? "none")", "status": "\(receipt.status)"]
        )
        return receipt
    }

    /// Shuts down the clients made for a brand's checked addresses (the shared one stays).
    public func shutdown() async {
        await http.shutdown()
    }

    /// `Basic base64(accountSid:authToken)`.
    private var basicAuthorization: String {
        "Basic " + Data("\(settings.accountSid):\(settings.authToken)".utf8).base64EncodedString()
    }

    /// A sentence for a transport failure; AsyncHTTPClient's errors name no credentials.
    private func describe(_ error: any Error) -> String {
        if (error as? HTTPClientError) == .deadlineExceeded {
            return "no answer within \(timeout)"
        }
        return String(describing: error)
    }
}
