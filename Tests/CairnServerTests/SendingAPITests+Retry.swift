import CairnCore
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Testing

@testable import CairnServer

extension SendingAPITests {
    /// A dead message is sent again on the operator's word, one by id or many by status; a sent
    /// one is not, and bad filters are refused with a code naming the field.
    @Test func deadMessagesAreSentAgainOneOrManyAtATime() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        try await SendFixtures.queueSMS(in: app.stores, count: 3, tenant: TestApp.tenant)
        let now = app.clock.now()
        let claimed = try await app.stores.outbox.claim(OutboxClaim(limit: 3, now: now, lease: .seconds(3600)))
        let ids = claimed.map(\.message.messageId).sorted()
        try #require(ids.count == 3)
        let outage = MessageError(code: "provider_unavailable", message: "Twilio unreachable: no answer")
        let records: [DeliveryRecord] = [.dead(outage), .dead(outage), .sent(providerMessageId: "SM1")]
        _ = try await app.stores.outbox.record(
            zip(ids, records).map { AttemptOutcome(claim: MessageClaim(messageId: $0, attempt: 1), record: $1) },
            at: now
        )
        let messages = Self.brand + "/messages"
        let answers = try await app.test { client in
            (
                one: try await client.admin(.post, messages + "/\(ids[0])/retry", token: admin),
                sent: try await client.admin(.post, messages + "/\(ids[2])/retry", token: admin),
                unknown: try await client.admin(.post, messages + "/nope/retry", token: admin),
                badStatus: try await client.admin(
                    .post,
                    messages + "/retry",
                    token: admin,
                    body: #"{"status":"sent"}"#
                ),
                badTime: try await client.admin(
                    .post,
                    messages + "/retry",
                    token: admin,
                    body: #"{"createdFrom":"yesterday"}"#
                ),
                badField: try await client.admin(.post, messages + "/retry", token: admin, body: #"{"state":"dead"}"#),
                many: try await client.admin(
                    .post,
                    messages + "/retry",
                    token: admin,
                    body: #"{"status":["dead"],"channel":"sms","limit":10}"#
                )
            )
        }
        #expect(answers.one.status == .ok)
        #expect(answers.one.json["message"]?["status"] == "queued")
        #expect(answers.one.json["message"]?["attempts"] == 0)
        #expect(answers.sent.status == .conflict)
        #expect(answers.sent.code == "message_not_retryable")
        #expect(answers.unknown.status == .notFound)
        #expect(answers.badStatus.code == "invalid_status")
        #expect(answers.badTime.code == "invalid_created_from")
        #expect(answers.badField.code == "unknown_field")
        #expect(answers.many.status == .ok)
        #expect(answers.many.json["retried"] == 1)
        #expect(answers.many.json["messageIds"] == [.string(ids[1])])
        for id in ids.prefix(2) {
            #expect(try await app.stores.outbox.message(messageId: id)?.status == .queued)
        }
    }
}
