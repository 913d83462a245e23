import CairnChannels
import Logging
import Testing

/// Status callbacks as the fake sends them after a send (to its own `/_sink/…`), read and verified
/// with the public API as `POST /webhooks/twilio/{messageId}` will.
@Suite struct TwilioStatusCallbackDeliveryTests {
    static func deliver(to: String) async throws -> (receipt: SMSReceipt, outcomes: [TwilioStatusCallback.Outcome]) {
        try await TwilioFake.with { fake in
            let callbackURL = "\(fake.baseURL)/_sink/webhooks/twilio/msg-42?tenant=t1"
            let client = try TwilioClientTests.client(fake)
            let receipt = try await client.send(SMSRequest(to: to, body: "hi", statusCallback: callbackURL))
            #expect(try fake.messages(to: to).first?.form["StatusCallback"] == callbackURL)
            let callbacks = try await fake.waitForCallbacks(count: 2)
            var outcomes: [TwilioStatusCallback.Outcome] = []
            for callback in callbacks {
                #expect(callback.path == "/_sink/webhooks/twilio/msg-42?tenant=t1")
                #expect(callback.contentType?.hasPrefix("application/x-www-form-urlencoded") == true)
                let parameters = TwilioStatusCallback.parameters(fromForm: callback.rawBody)
                let signature = try #require(callback.signature)
                #expect(
                    TwilioSignature.isValid(
                        signature,
                        url: callbackURL,
                        parameters: parameters,
                        authToken: TwilioFake.authToken
                    )
                )
                #expect(
                    !TwilioSignature.isValid(signature, url: callbackURL, parameters: parameters, authToken: "other")
                )
                #expect(
                    !TwilioSignature.isValid(
                        signature,
                        url: callbackURL,
                        parameters: parameters + [("MessageStatus", "delivered")],
                        authToken: TwilioFake.authToken
                    )
                )
                #expect(parameters.first { $0.0 == "MessageSid" }?.1 == receipt.sid)
                #expect(parameters.first { $0.0 == "AccountSid" }?.1 == TwilioFake.accountSid)
                outcomes.append(try #require(TwilioStatusCallback.outcome(of: parameters)))
            }
            return (receipt, outcomes)
        }
    }

    @Test func aDeliveredMessageReportsSentThenDelivered() async throws {
        let (_, outcomes) = try await Self.deliver(to: "+15551234567")
        #expect(outcomes == [.progress("sent"), .delivered])
    }

    @Test func anUndeliveredMessageReportsItsErrorCode() async throws {
        let (_, outcomes) = try await Self.deliver(to: "+15005550771")
        #expect(outcomes == [.progress("sent"), .failed(errorCode: 30003)])
    }
}
