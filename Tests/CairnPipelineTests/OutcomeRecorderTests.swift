import CairnCore
import CairnStorage
import CairnTestFixtures
import Logging
import Synchronization
import Testing

@testable import CairnPipeline

/// An outcome is recorded however long the database refuses it: an outcome given up on would
/// leave its message `sending`, to be sent again when its lease ends.
@Suite struct OutcomeRecorderTests {
    let clock = ManualClock(start: EventFixtures.receivedAt)

    @Test func anOutcomeIsRecordedHoweverManyTimesTheDatabaseRefusesIt() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: clock.now())
        let claimed = try #require(
            try await stores.outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600))).first
        )
        let store = RefusingStore(stores.outbox, refusals: 12)
        let recorder = OutcomeRecorder(store: store, clock: clock, logger: Logger(label: "outbox"))
        let outcome = AttemptOutcome(
            claim: MessageClaim(messageId: claimed.message.messageId, attempt: 1),
            record: .sent(providerMessageId: "SM1")
        )
        let recording = Task { await recorder.record(outcome) }
        // Each refusal is followed by a wait on the clock; the test moves the clock past each.
        while store.calls < 13 {
            while clock.sleeping == 0, store.calls < 13 { try await Task.sleep(for: .milliseconds(1)) }
            clock.advance(by: .seconds(5))
        }
        #expect(await recording.value == true)
        #expect(try await stores.outbox.message(messageId: claimed.message.messageId)?.status == .sent)
        #expect(store.calls == 13)
    }
}

extension OutcomeRecorderTests {
    @Test func anOutcomeTheDatabaseNeverTakesHoldsUpNoOther() async throws {
        let stores = try await StoreBackend.sqlite.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: clock.now())
        let claimed = try await stores.outbox.claim(OutboxClaim(limit: 2, now: clock.now(), lease: .seconds(3600)))
        try #require(claimed.count == 2)
        let (poisoned, healthy) = (claimed[0].message.messageId, claimed[1].message.messageId)
        let store = RefusingStore(stores.outbox, refusals: 0, alwaysRefusing: poisoned)
        let recorder = OutcomeRecorder(store: store, clock: clock, logger: Logger(label: "outbox"))
        let outcome = { @Sendable (id: String) in
            AttemptOutcome(claim: MessageClaim(messageId: id, attempt: 1), record: .sent(providerMessageId: "SM-\(id)"))
        }
        _ = Task { await recorder.record(outcome(poisoned)) }
        while store.calls == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let recording = Task { await recorder.record(outcome(healthy)) }
        // The poisoned outcome's tries wait on the clock; the test moves it until the other is in.
        // (Bounded: without the split, the other would wait forever behind it.)
        var turns = 0
        while try await stores.outbox.message(messageId: healthy)?.status != .sent, turns < 2000 {
            turns += 1
            if clock.sleeping > 0 { clock.advance(by: .seconds(5)) }
            try await Task.sleep(for: .milliseconds(1))
        }
        try #require(try await stores.outbox.message(messageId: healthy)?.status == .sent)
        #expect(await recording.value == true)
        #expect(try await stores.outbox.message(messageId: poisoned)?.status == .sending)
    }
}

/// An outbox store whose `record` fails a set number of times before it reaches the real store,
/// and every time for a group that holds `alwaysRefusing`.
final class RefusingStore: ForwardingOutboxStore {
    let inner: any OutboxStore
    private let poisoned: String?
    private let state: Mutex<(left: Int, calls: Int)>

    init(_ inner: any OutboxStore, refusals: Int, alwaysRefusing poisoned: String? = nil) {
        self.inner = inner
        self.poisoned = poisoned
        state = Mutex((refusals, 0))
    }

    var refusalsLeft: Int { state.withLock { $0.left } }
    var calls: Int { state.withLock { $0.calls } }

    struct Refused: Error {}

    func record(_ outcomes: [AttemptOutcome], at time: Timestamp) async throws -> [Bool] {
        let refuse = state.withLock { state in
            state.calls += 1
            guard state.left > 0 else { return false }
            state.left -= 1
            return true
        }
        if refuse || outcomes.contains(where: { $0.claim.messageId == poisoned }) { throw Refused() }
        return try await inner.record(outcomes, at: time)
    }
}
