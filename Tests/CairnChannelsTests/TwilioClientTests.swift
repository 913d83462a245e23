import Foundation
import Logging
import Testing

@testable import CairnChannels

/// TwilioClient against `Tests/Peers/twilio_fake.py`, checking what the fake received.
@Suite struct TwilioClientTests {
    static let logger = Logger(label: "cairn.test.twilio")

    static func client(
        _ fake: TwilioFake,
        from: String = "+15005550006",
        token: String = TwilioFake.authToken
    ) throws
        -> TwilioClient
    {
        let settings = try TwilioFake.settings(baseURL: fake.baseURL, token: token, from: from)
        return TwilioClient(settings: settings, logger: logger)
    }

    /// The error `send` throws; fails the test when it succeeds.
    static func failure(_ client: TwilioClient, _ request: SMSRequest) async throws -> ProviderError {
        do {
            let receipt = try await client.send(request)
            Issue.record("expected an error, got \(receipt)")
            throw TwilioFake.Failure(description: "sent")
        } catch let error as ProviderError {
            return error
        }
    }

    @Test func aSendArrivesWithExactFieldsAndBasicAuth() async throws {
        try await TwilioFake.with { fake in
            let receipt = try await Self.client(fake).send(
                SMSRequest(to: "+15551234567", body: "Hello there & café 👋")
            )
            #expect(receipt.status == "queued")
            #expect(receipt.sid?.hasPrefix("SM") == true && receipt.sid?.count == 34)
            let messages = try fake.messages(to: "+15551234567")
            try #require(messages.count == 1)
            let message = messages[0]
            #expect(message.sid == receipt.sid)
            #expect(
                message.rawBody == "To=%2B15551234567&From=%2B15005550006&Body=Hello+there+%26+caf%C3%A9+%F0%9F%91%8B"
            )
            #expect(message.form == ["To": "+15551234567", "From": "+15005550006", "Body": "Hello there & café 👋"])
            #expect(message.contentType == "application/x-www-form-urlencoded")
            #expect(message.authUser == TwilioFake.accountSid)
            let credentials = Data("\(TwilioFake.accountSid):\(TwilioFake.authToken)".utf8).base64EncodedString()
            #expect(message.authorization == "Basic \(credentials)")
        }
    }

    @Test func aMessagingServiceSendsItsSidAndARequestMayNameItsOwnSender() async throws {
        try await TwilioFake.with { fake in
            let service = "MG0123456789abcdef0123456789abcdef"
            let client = try Self.client(fake, from: service)
            let viaService = try await client.send(
                SMSRequest(to: "+15551230001", body: "one", statusCallback: nil)
            )
            #expect(viaService.status == "accepted")
            let overridden = try await client.send(SMSRequest(to: "+15551230002", from: "Cairn", body: "two"))
            #expect(overridden.status == "queued")
            #expect(
                try fake.messages(to: "+15551230001").map(\.rawBody) == [
                    "To=%2B15551230001&MessagingServiceSid=\(service)&Body=one"
                ]
            )
            #expect(try fake.messages(to: "+15551230002").map(\.rawBody) == ["To=%2B15551230002&From=Cairn&Body=two"])
        }
    }

    @Test func anInvalidNumberIsPermanentWithTwiliosWords() async throws {
        try await TwilioFake.with { fake in
            let error = try await Self.failure(try Self.client(fake), SMSRequest(to: "+15005550001", body: "hi"))
            #expect(error.kind == .permanent)
            #expect(error.httpStatus == 400)
            #expect(error.providerCode == 21211)
            #expect(error.message == "Twilio 21211: The 'To' number +15005550001 is not a valid phone number.")
            #expect(!error.withdrawsConsent)
            #expect(try fake.messages(to: "+15005550001").isEmpty)
        }
    }

    @Test func aNumberNotInE164IsRefusedByTwilio() async throws {
        try await TwilioFake.with { fake in
            let error = try await Self.failure(try Self.client(fake), SMSRequest(to: "555-1234", body: "hi"))
            #expect(error.kind == .permanent)
            #expect(error.message == "Twilio 21211: The 'To' number 555-1234 is not a valid phone number.")
        }
    }

    @Test func anUnsubscribedRecipientWithdrawsConsent() async throws {
        try await TwilioFake.with { fake in
            let error = try await Self.failure(try Self.client(fake), SMSRequest(to: "+15005550004", body: "hi"))
            #expect(error.kind == .permanent)
            #expect(error.providerCode == 21610)
            #expect(error.withdrawsConsent)
            #expect(error.message == "Twilio 21610: Attempt to send to unsubscribed recipient")
        }
    }

    @Test func aNumberThatIsNotMobileIsPermanent() async throws {
        try await TwilioFake.with { fake in
            let error = try await Self.failure(try Self.client(fake), SMSRequest(to: "+15005550009", body: "hi"))
            #expect(error.kind == .permanent)
            #expect(error.providerCode == 21614)
            #expect(!error.withdrawsConsent)
        }
    }

    @Test func tooManyRequestsIsTransientAndTheNextTryGoes() async throws {
        try await TwilioFake.with { fake in
            let client = try Self.client(fake)
            let request = SMSRequest(to: "+15551234500", body: "later")
            try await fake.fail(to: request.to, count: 1, status: 429)
            let error = try await Self.failure(client, request)
            #expect(error.kind == .transient)
            #expect(error.httpStatus == 429)
            #expect(error.providerCode == 20429)
            #expect(error.message == "Twilio 20429: Too Many Requests")
            #expect(try fake.messages(to: request.to).isEmpty)
            let receipt = try await client.send(request)
            #expect(try fake.messages(to: request.to).map(\.sid) == [receipt.sid])
        }
    }

    @Test(arguments: [500, 503])
    func aServerErrorIsTransient(_ status: Int) async throws {
        try await TwilioFake.with { fake in
            let request = SMSRequest(to: "+15551234501", body: "later")
            try await fake.fail(to: request.to, count: 1, status: status)
            let error = try await Self.failure(try Self.client(fake), request)
            #expect(error.kind == .transient)
            #expect(error.httpStatus == status)
            #expect(error.providerCode == (status == 500 ? 20500 : 20503))
        }
    }

    @Test func aWrongTokenIsPermanentAndNeverShown() async throws {
        try await TwilioFake.with { fake in
            let token = "wrong-token-9d2e"
            let error = try await Self.failure(
                try Self.client(fake, token: token),
                SMSRequest(to: "+15551234567", body: "hi")
            )
            #expect(error.kind == .permanent)
            #expect(error.httpStatus == 401)
            #expect(error.providerCode == 20003)
            #expect(error.message == "Twilio 20003: Authenticate")
            #expect(!String(describing: error).contains(token))
            #expect(!String(reflecting: error).contains(token))
        }
    }

    @Test func aRefusedConnectionIsTransient() async throws {
        let fake = try await TwilioFake.start()
        let settings = try TwilioFake.settings(baseURL: fake.baseURL)
        await fake.stop()  // nothing listens on its port now
        let client = TwilioClient(settings: settings, logger: Self.logger, timeout: .seconds(2))
        let error = try await Self.failure(client, SMSRequest(to: "+15551234567", body: "hi"))
        #expect(error.kind == .transient)
        #expect(error.httpStatus == nil)
        #expect(error.providerCode == nil)
        #expect(error.message.hasPrefix("Twilio unreachable: "))
    }

    /// Twilio read the request and hung up: it may have taken the message, so sending again may
    /// send it twice.
    @Test func aHangUpAfterTheRequestIsAnUnknownOutcome() async throws {
        try await HangingUpServer.with { port in
            let settings = try TwilioFake.settings(
                baseURL: "http://127.0.0.1:\(port)"
            )
            let client = TwilioClient(settings: settings, logger: Self.logger, timeout: .seconds(5))
            let error = try await Self.failure(client, SMSRequest(to: "+15551234567", body: "hi"))
            #expect(error.kind == .unknownOutcome, "\(error.message)")
            #expect(SMSSender.outcome(of: error) == .unknown(.outcomeUnknown(error.message)))
        }
    }

    /// Twilio took the message (201) though its answer is no JSON: sent, with no sid to record.
    @Test func aTakenMessageWhoseAnswerIsNotJSONIsSent() async throws {
        try await FixedAnswerServer.with("HTTP/1.1 201 Created\r\nContent-Length: 9\r\n\r\nnot json!") { port in
            let settings = try TwilioFake.settings(
                baseURL: "http://127.0.0.1:\(port)"
            )
            let client = TwilioClient(settings: settings, logger: Self.logger, timeout: .seconds(5))
            let receipt = try await client.send(SMSRequest(to: "+15551234567", body: "hi"))
            #expect(receipt.sid == nil)
        }
    }

    /// Issue 22: a request written whole and never answered may have been taken (Twilio answering
    /// in 35 s got the SMS posted again): an unknown outcome, which the outbox tries once more only.
    @Test func noAnswerInTimeToAWholeRequestIsAnUnknownOutcome() async throws {
        try await SilentServer.with { port in
            let settings = try TwilioFake.settings(
                baseURL: "http://127.0.0.1:\(port)"
            )
            let client = TwilioClient(settings: settings, logger: Self.logger, timeout: .seconds(1))
            let error = try await Self.failure(client, SMSRequest(to: "+15551234567", body: "hi"))
            #expect(error.kind == .unknownOutcome)
            #expect(error.httpStatus == nil)
            #expect(error.message == "Twilio unreachable: no answer within 1.0 seconds")
        }
    }

    /// A time-out before the request went out (here a TLS handshake that never ends) is transient:
    /// Twilio cannot have the message.
    @Test func noAnswerInTimeBeforeTheRequestWentOutIsTransient() async throws {
        try await SilentServer.with { port in
            let settings = try TwilioFake.settings(
                baseURL: "https://127.0.0.1:\(port)"
            )
            let client = TwilioClient(settings: settings, logger: Self.logger, timeout: .seconds(1))
            let error = try await Self.failure(client, SMSRequest(to: "+15551234567", body: "hi"))
            #expect(error.kind == .transient)
            #expect(error.message == "Twilio unreachable: no answer within 1.0 seconds")
        }
    }
}
