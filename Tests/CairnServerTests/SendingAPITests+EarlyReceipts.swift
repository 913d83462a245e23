import CairnChannels
import CairnCore
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension SendingAPITests {
    /// Twilio can call back before the grouped write that records the message sent commits: the
    /// callback is taken (204, so Twilio does not retry it) and `delivered` lands with that write.
    @Test func aTwilioReceiptThatArrivesBeforeTheSentWriteIsKeptAndApplied() async throws {
        let app = try await sendingApp()
        let eventId = try #require(try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant).first)
        let message = try #require(try await app.stores.outbox.messages(eventId: eventId).first)
        let now = app.clock.now()
        _ = try await app.stores.outbox.claim(OutboxClaim(limit: 1, now: now, lease: .seconds(3600)))
        let path = "/webhooks/twilio/\(message.messageId)"
        let form = [("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("AccountSid", Self.twilioSid)]
        let (body, signature) = Self.twilioCallback(form, to: path)
        let early = try await app.test { client in
            try await client.post(path, token: nil, body: body, headers: [.twilioSignature: signature])
        }
        #expect(early.status == .noContent)
        #expect(try await app.stores.outbox.message(messageId: message.messageId)?.status == .sending)
        let saved = try await app.stores.outbox.record(
            .sent(providerMessageId: "SM1"),
            messageId: message.messageId,
            attempt: 1,
            at: now
        )
        #expect(saved)
        #expect(try await app.stores.outbox.message(messageId: message.messageId)?.status == .delivered)
    }
}
