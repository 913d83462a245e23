import CairnChannels
import CairnCore
import CairnStorage
import CairnTestFixtures
import Synchronization
import Testing

@testable import CairnPipeline

/// Issue 23: the dispatcher hands each push its device, removes a device the push service says is
/// gone (with the failure), fails a push whose device went meanwhile without sending it, and
/// waits at least as long as a provider's Retry-After.
extension OutboxDispatcherTests {
    /// Answers a push by its device's token: "gone…" is unregistered, "busy…" asks for 30 s.
    final class DeviceSender: ChannelSender, SenderDirectory {
        private let tokens = Mutex<[String]>([])

        var sentTo: [String] { tokens.withLock { $0 } }

        func send(_ message: OutboxMessage) async -> SendOutcome {
            .permanent(.providerMisconfigured("no device"), withdrawsConsent: false)
        }

        func send(_ message: OutboxMessage, to device: PushDevice) async -> SendOutcome {
            let token = device.token ?? ""
            tokens.withLock { $0.append(token) }
            if token.hasPrefix("gone") {
                return .permanent(.deviceUnregistered("unregistered"), withdrawsConsent: false, removesDevice: true)
            }
            if token.hasPrefix("busy") { return .transient(OutboxDispatcherTests.busy, retryAfter: .seconds(30)) }
            return .sent(providerMessageId: "projects/p/messages/1")
        }

        func sender(for tenant: Tenant, channel: AssetChannel) async -> SenderLookup { .found(self) }
        func shutdown() async {}
    }

    func pushMessages(_ stores: CairnStores) async throws -> [String: OutboxMessage] {
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        return Dictionary(messages.map { ($0.to, $0) }) { first, _ in first }
    }

    @Test func aGoneDeviceIsRemovedAndTheOthersAreSent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queuePush(
            in: stores,
            devices: ["phone": "phone-token", "tablet": "gone-token", "watch": "watch-token"],
            at: clock.now()
        )
        let sender = DeviceSender()
        #expect(try await deliverDue(dispatcher(stores, sender), stores) == 3)
        #expect(Set(sender.sentTo) == ["phone-token", "gone-token", "watch-token"])
        let messages = try await pushMessages(stores)
        #expect(messages["phone"]?.status == .sent)
        #expect(messages["watch"]?.status == .sent)
        #expect(messages["tablet"]?.status == .failed)
        #expect(messages["tablet"]?.error?.code == "device_unregistered")
        let profile = try #require(try await stores.profiles.profile(userId: "u1", tenant: EventFixtures.tenant))
        #expect(Set(profile.devices.keys) == ["phone", "watch"])
    }

    @Test func aPushWhoseDeviceWentMeanwhileFailsUnsent() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        // Two commands for one device: the first finds it gone, so the second has none.
        try await SendFixtures.queuePush(in: stores, devices: ["tablet": "gone-token"], at: clock.now())
        try await SendFixtures.queuePush(in: stores, devices: ["tablet": "gone-token"], at: clock.now())
        let sender = DeviceSender()
        let dispatcher = dispatcher(stores, sender)
        for _ in 0..<2 {
            let claimed = try await stores.outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600)))
            for item in claimed { await dispatcher.deliver(item) }
        }
        #expect(sender.sentTo == ["gone-token"], "the second push never left")
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        #expect(messages.compactMap(\.error?.code).sorted() == ["device_removed", "device_unregistered"])
    }

    @Test func aProvidersRetryAfterIsWaited() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queuePush(in: stores, devices: ["phone": "busy-token"], at: clock.now())
        try await deliverDue(dispatcher(stores, DeviceSender()), stores)
        let waiting = try #require(try await pushMessages(stores)["phone"])
        #expect(waiting.status == .queued)
        #expect(waiting.nextAttemptAt >= clock.now().adding(.seconds(30)), "no sooner than the provider asked")
    }
}
