import CairnCore
import Foundation
import Logging
import Testing

@testable import CairnChannels

/// SMSSender against `Tests/Peers/twilio_fake.py`.
@Suite struct SMSSenderTests {
    static func message(body: String, to: String) -> OutboxMessage {
        var generator = SystemRandomNumberGenerator()
        let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        return OutboxMessage(
            messageId: "018bcfe5-687b-7000-8000-000000000001",
            tenant: Tenant(clientId: "c", accountId: "a", brandId: "b"),
            eventId: EventID.make(at: now, using: &generator),
            customerId: "customer",
            userId: "u1",
            channel: .sms,
            to: to,
            assetId: "welcome",
            version: 1,
            purpose: .transactional,
            content: ["body": .string(body)],
            nextAttemptAt: now,
            createdAt: now
        )
    }

    @Test func aBodyThatRenderedEmptyIsNotSent() async throws {
        let fake = try await TwilioFake.start()
        let settings = try TwilioFake.settings(baseURL: fake.baseURL)
        let sender = SMSSender(settings: settings, publicBaseURL: nil, logger: Logger(label: "cairn.test.sms"))
        for body in ["", " \n\t "] {
            let outcome = await sender.send(Self.message(body: body, to: "+15551230001"))
            #expect(outcome == .permanent(SMSSender.emptyBody, withdrawsConsent: false))
        }
        #expect(try fake.messages(to: "+15551230001").isEmpty, "nothing reached the provider")
        let outcome = await sender.send(Self.message(body: "Hi", to: "+15551230002"))
        guard case .sent = outcome else {
            Issue.record("a body with words is sent: \(outcome)")
            await fake.stop()
            return
        }
        #expect(try fake.messages(to: "+15551230002").count == 1)
        await fake.stop()
    }
}
