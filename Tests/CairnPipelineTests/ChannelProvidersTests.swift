import CairnChannels
import CairnCore
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

@testable import CairnPipeline

/// A brand's channel settings apply to every send claimed after they were saved, on every node
/// (issue 22), and a replaced sender is shut down once the sends given it have ended, never under
/// one. On real stores, with stand-in senders named by their provider's address.
@Suite struct ChannelProvidersTests {
    let clock = ManualClock(start: EventFixtures.receivedAt)
    let box = SecretBox(key: .generate())

    static let first = "https://first.example.com"
    static let second = "https://second.example.com"
    static let fallback = "https://default.example.com"

    /// Twilio settings whose provider is at `baseURL`.
    static func sms(_ baseURL: String) throws -> ProviderSettings {
        try ProviderSettings(
            json: [
                "provider": "twilio", "accountSid": .string("AC" + String(repeating: "b", count: 32)),
                "authToken": "brand-token", "from": "+15005550006", "baseUrl": .string(baseURL),
            ],
            channel: .sms
        )
    }

    /// Saves the brand's SMS provider as `PUT …/channels/sms` does (sealed, at the clock's time,
    /// which stands still: every saving here shares one `updatedAt`).
    func saveSMS(_ stores: CairnStores, _ baseURL: String, box: SecretBox? = nil) async throws {
        let settings = try Self.sms(baseURL)
        try await stores.channels.put(
            ChannelRecord(
                tenant: EventFixtures.tenant,
                channel: .sms,
                provider: settings.provider,
                sealedSettings: try (box ?? self.box).seal(settings.json.encoded()),
                summary: settings.summary,
                updatedAt: clock.now()
            )
        )
    }

    func providers(
        _ channels: any ChannelStore,
        _ made: MadeSenders,
        defaults: [ProviderSettings] = []
    ) -> ChannelProviders {
        ChannelProviders(store: channels, box: box, defaults: defaults, logger: Logger(label: "providers")) {
            made.make($0)
        }
    }

    func dispatcher(_ stores: CairnStores, _ senders: ChannelProviders) -> OutboxDispatcher {
        OutboxDispatcher(store: stores.outbox, senders: senders, clock: clock, logger: Logger(label: "outbox"))
    }

    /// Claims one due message, as a node's dispatcher does.
    func claimOne(_ stores: CairnStores) async throws -> ClaimedMessage {
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600)))
        return try #require(claimed.first)
    }

    /// Claims one due message and sends it.
    func sendNext(_ dispatcher: OutboxDispatcher, _ stores: CairnStores) async throws {
        await dispatcher.deliver(try await claimOne(stores))
    }

    /// The address of the provider a lookup found (nil for none).
    static func address(_ lookup: SenderLookup) -> String? {
        guard case .found(let sender) = lookup else { return nil }
        let made = (sender as? ChannelProviders.HeldSender)?.provision.sender ?? sender
        return (made as? MadeSenders.Sender)?.address
    }

    /// Two nodes on one database each send once through the brand's provider; its settings are
    /// saved again (in the same millisecond); the next send on each node goes through the new one.
    @Test(arguments: StoreBackend.allCases)
    func aSendClaimedAfterTheSettingsAreSavedGoesThroughTheNewProvider(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 4, at: clock.now())
        try await saveSMS(stores, Self.first)
        let made = MadeSenders()
        let nodes = [providers(stores.channels, made), providers(stores.channels, made)]
        let dispatchers = nodes.map { dispatcher(stores, $0) }
        for dispatcher in dispatchers { try await sendNext(dispatcher, stores) }
        try await saveSMS(stores, Self.second)
        for dispatcher in dispatchers { try await sendNext(dispatcher, stores) }

        #expect(made.sends == [Self.first, Self.first, Self.second, Self.second])
        for node in nodes { await node.replacedSendersClosed() }
        #expect(made.senders(Self.first).map(\.timesShutDown) == [1, 1], "each node's old sender is shut down")
        #expect(made.senders(Self.second).map(\.timesShutDown) == [0, 0])
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        #expect(messages.count == 4)
        #expect(messages.allSatisfy { $0.status == .sent })
    }

    /// The old sender is still sending when the new settings are read: it is shut down when that
    /// send ends, not under it, and only once.
    @Test func aReplacedSenderIsShutDownOnceItsSendsHaveEnded() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        try await saveSMS(stores, Self.first)
        let made = MadeSenders(holding: [Self.first])
        let node = providers(stores.channels, made)
        let dispatcher = dispatcher(stores, node)
        let slowClaim = try await claimOne(stores)
        let slow = Task { await dispatcher.deliver(slowClaim) }
        var started = made.started.makeAsyncIterator()
        let startedThrough = await started.next()
        #expect(startedThrough == Self.first)

        try await saveSMS(stores, Self.second)
        try await sendNext(dispatcher, stores)
        await node.replacedSendersClosed()
        #expect(made.sends == [Self.first, Self.second])
        #expect(made.senders(Self.first).map(\.timesShutDown) == [0], "a send is still going through it")

        made.letGo()
        await slow.value
        await node.replacedSendersClosed()
        #expect(made.senders(Self.first).map(\.timesShutDown) == [1])
        #expect(made.senders(Self.first).allSatisfy { !$0.wasShutDownMidSend })
        await node.shutdown()
        #expect(made.senders(Self.first).map(\.timesShutDown) == [1], "not shut down twice")
        #expect(made.senders(Self.second).map(\.timesShutDown) == [1])
    }

    /// `DELETE …/channels/sms`: the next send goes through the server's default.
    @Test func aBrandWhoseProviderIsRemovedSendsThroughTheDefaultAtOnce() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        try await saveSMS(stores, Self.first)
        let made = MadeSenders()
        let node = providers(stores.channels, made, defaults: [try Self.sms(Self.fallback)])
        let dispatcher = dispatcher(stores, node)
        try await sendNext(dispatcher, stores)
        #expect(try await stores.channels.remove(tenant: EventFixtures.tenant, channel: .sms))
        try await sendNext(dispatcher, stores)

        #expect(made.sends == [Self.first, Self.fallback])
        await node.replacedSendersClosed()
        #expect(made.senders(Self.first).map(\.timesShutDown) == [1])
        #expect(made.senders(Self.fallback).map(\.timesShutDown) == [0])
    }

    /// New settings that cannot be opened (sealed under another key) fail the next send; the old
    /// provider is not used in their place.
    @Test func settingsThatCannotBeOpenedAreNotReplacedByTheOldOnes() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        try await saveSMS(stores, Self.first)
        let made = MadeSenders()
        let node = providers(stores.channels, made)
        let dispatcher = dispatcher(stores, node)
        try await sendNext(dispatcher, stores)
        try await saveSMS(stores, Self.second, box: SecretBox(key: .generate()))
        try await sendNext(dispatcher, stores)

        #expect(made.sends == [Self.first])
        let messages = try await stores.outbox.messages(tenant: EventFixtures.tenant, filter: MessageFilter())
        #expect(messages.filter { $0.status == .failed }.map { $0.error?.code } == ["provider_misconfigured"])
        await node.replacedSendersClosed()
        #expect(made.senders(Self.first).map(\.timesShutDown) == [1])
    }

    /// The brand's settings cannot be read: the send is tried again later (transient), not sent
    /// through the sender known from before, whose settings may have changed meanwhile.
    @Test func settingsThatCannotBeReadAreNotGuessed() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await saveSMS(stores, Self.first)
        let channels = GatedChannels(stores.channels)
        let made = MadeSenders()
        let node = providers(channels, made)
        let before = await node.sender(for: EventFixtures.tenant, channel: .sms)
        #expect(Self.address(before) == Self.first)
        channels.failing = true
        let lookup = await node.sender(for: EventFixtures.tenant, channel: .sms)
        guard case .unavailable(.transient(let error, _)) = lookup else {
            Issue.record("expected a transient outcome, got \(lookup)")
            return
        }
        #expect(error.code == "provider_unavailable")
        channels.failing = false
        let after = await node.sender(for: EventFixtures.tenant, channel: .sms)
        #expect(Self.address(after) == Self.first)
    }

    /// A lookup that begins while another's read is under way is not answered by that read (which
    /// may have read before the settings changed), but by one begun after it.
    @Test func aLookupIsAnsweredByAReadBegunAfterIt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await saveSMS(stores, Self.first)
        let channels = GatedChannels(stores.channels)
        let made = MadeSenders()
        let node = providers(channels, made)
        channels.holdNextRead()
        let early = Task { Self.address(await node.sender(for: EventFixtures.tenant, channel: .sms)) }
        var held = channels.readHeld.makeAsyncIterator()
        _ = await held.next()
        // The early read has the first settings in hand; the second are saved, then a lookup begins.
        try await saveSMS(stores, Self.second)
        let late = Task { Self.address(await node.sender(for: EventFixtures.tenant, channel: .sms)) }
        try await Task.sleep(for: .milliseconds(50))
        channels.letGo()

        let earlyAddress = await early.value
        let lateAddress = await late.value
        #expect(earlyAddress == Self.first)
        #expect(lateAddress == Self.second)
    }
}

/// The senders a `ChannelProviders` makes, each named by its provider's address (an SMS base URL,
/// an SMTP URL): every send through them in order, and their shutdowns. A send through a `held`
/// address waits until `letGo`.
final class MadeSenders: Sendable {
    final class Sender: ChannelSender {
        let address: String
        private let made: MadeSenders
        private let state = Mutex(State())

        private struct State {
            var inFlight = 0
            var shutdowns = 0
            var shutDownMidSend = false
        }

        init(address: String, made: MadeSenders) {
            self.address = address
            self.made = made
        }

        var timesShutDown: Int { state.withLock { $0.shutdowns } }
        var wasShutDownMidSend: Bool { state.withLock { $0.shutDownMidSend } }

        func send(_ message: OutboxMessage) async -> SendOutcome {
            state.withLock { $0.inFlight += 1 }
            await made.attempt(through: address)
            state.withLock { $0.inFlight -= 1 }
            return .sent(providerMessageId: nil)
        }

        func shutdown() async {
            state.withLock { state in
                state.shutdowns += 1
                if state.inFlight > 0 { state.shutDownMidSend = true }
            }
        }
    }

    private struct State {
        var made: [Sender] = []
        var sends: [String] = []
        var held: Set<String>
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    /// The address of each held send, once it waits.
    let started: AsyncStream<String>
    private let startedContinuation: AsyncStream<String>.Continuation

    init(holding held: Set<String> = []) {
        state = Mutex(State(held: held))
        let stream = AsyncStream.makeStream(of: String.self)
        started = stream.stream
        startedContinuation = stream.continuation
    }

    /// The address of each send so far, in order.
    var sends: [String] { state.withLock { $0.sends } }

    /// The senders made for `address`, in the order they were made.
    func senders(_ address: String) -> [Sender] {
        state.withLock { $0.made.filter { $0.address == address } }
    }

    func make(_ settings: ProviderSettings) -> any ChannelSender {
        let address: String
        switch settings {
        case .smtp(let url, _, _): address = url
        case .twilio(let twilio): address = twilio.baseURL
        case .push(let push): address = push.fcm?.baseURL ?? "webpush"
        case .print(let print): address = print.provider
        }
        let sender = Sender(address: address, made: self)
        state.withLock { $0.made.append(sender) }
        return sender
    }

    /// Lets the held sends go on, and holds no more.
    func letGo() {
        let waiting = state.withLock { state in
            state.held = []
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    fileprivate func attempt(through address: String) async {
        let held = state.withLock { state in
            state.sends.append(address)
            return state.held.contains(address)
        }
        guard held else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { $0.waiting.append(continuation) }
            startedContinuation.yield(address)
        }
    }
}

/// A channel store whose reads can fail, or be held after reading until `letGo`.
final class GatedChannels: ChannelStore {
    private struct State {
        var failing = false
        var holdNext = false
        var waiting: CheckedContinuation<Void, Never>?
    }

    struct Unreachable: Error {}

    private let base: any ChannelStore
    private let state = Mutex(State())
    /// Says when a held read has read, and waits.
    let readHeld: AsyncStream<Void>
    private let readHeldContinuation: AsyncStream<Void>.Continuation

    init(_ base: any ChannelStore) {
        self.base = base
        let stream = AsyncStream.makeStream(of: Void.self)
        readHeld = stream.stream
        readHeldContinuation = stream.continuation
    }

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// The next read reads, then waits for `letGo`.
    func holdNextRead() {
        state.withLock { $0.holdNext = true }
    }

    func letGo() {
        let waiting = state.withLock { state in
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume()
    }

    func pushKey(tenant: Tenant) async throws -> [UInt8]? {
        try await base.pushKey(tenant: tenant)
    }

    func keepPushKey(_ sealed: [UInt8], tenant: Tenant, at time: Timestamp) async throws -> [UInt8] {
        try await base.keepPushKey(sealed, tenant: tenant, at: time)
    }

    func put(_ record: ChannelRecord) async throws {
        try await base.put(record)
    }

    func channels(tenant: Tenant) async throws -> [ChannelRecord] {
        if failing { throw Unreachable() }
        return try await base.channels(tenant: tenant)
    }

    func channel(tenant: Tenant, channel: AssetChannel) async throws -> ChannelRecord? {
        if failing { throw Unreachable() }
        let record = try await base.channel(tenant: tenant, channel: channel)
        let hold = state.withLock { state in
            defer { state.holdNext = false }
            return state.holdNext
        }
        if hold {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                state.withLock { $0.waiting = continuation }
                readHeldContinuation.yield()
            }
        }
        return record
    }

    func remove(tenant: Tenant, channel: AssetChannel) async throws -> Bool {
        try await base.remove(tenant: tenant, channel: channel)
    }
}
