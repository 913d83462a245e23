import CairnChannels
import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@testable import CairnPipeline

extension OutboxDispatcherTests {
    /// A provider's opt-out (Twilio 21610) withdraws the customer's consent with the outcome's
    /// write: a marketing send claimed right after is stopped before the processor has run.
    @Test(arguments: StoreBackend.allCases)
    func aProvidersOptOutStopsTheNextSendBeforeTheProcessorRuns(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        let optedOut = MessageError(code: "provider_rejected", message: "Twilio 21610: unsubscribed recipient")
        let sender = ScriptedSender([.permanent(optedOut, withdrawsConsent: true), .sent(providerMessageId: "SM2")])
        let dispatcher = dispatcher(stores, sender)
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600)))
        await dispatcher.deliver(try #require(claimed.first))
        try await deliverDue(dispatcher, stores)
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        #expect(Set(messages.map { $0.error?.code }) == ["provider_rejected", "channel_not_subscribed"])
        #expect(sender.attempts.count == 1, "the second message never reached the provider")
        var query = EventQuery(tenant: EventFixtures.tenant)
        query.userId = "u1"
        let logged = try await stores.eventLog.events(matching: query).filter {
            $0.entry.tokenId == SystemEvents.tokenId
        }
        #expect(logged.count == 1, "the withdrawal is on the customer's timeline")
    }
}
