import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Regulations on both backends: claims with leases (each pending regulation to one worker at
/// a time), and suppressions the processor honours. The steps of an erasure are in
/// `ErasureContractTests`.
@Suite struct RegulationContractTests {
    let time = EventFixtures.receivedAt
    let tenant = EventFixtures.tenant

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    func regulation(_ type: RegulationType, _ subject: RegulationSubject, at offset: Int64 = 0) -> Regulation {
        Regulation(
            id: EventID.make(at: later(offset)).description,
            tenant: tenant,
            type: type,
            subject: subject,
            requestedBy: "admin-1",
            requestedAt: later(offset)
        )
    }

    /// An export is kept and read in parts, never whole; an erasure of its subject drops them all.
    @Test(arguments: StoreBackend.allCases)
    func anExportIsKeptInPartsAndErasedWithItsSubject(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let store = stores.regulations
        let subject = RegulationSubject(kind: .userId, value: "u-export")
        try await store.create(regulation(.access, subject))
        var claimed = try #require(try await store.claim(at: later(1), leaseUntil: later(1000), holder: "x"))
        claimed.status = .done
        let size = RegulationExportParts.size
        let export = (0..<(2 * size + 1234)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        #expect(try await store.finish(claimed, holder: "x", export: export, eraseSubject: false))
        let parts = [
            try await store.exportPart(id: claimed.id, tenant: tenant, part: 0),
            try await store.exportPart(id: claimed.id, tenant: tenant, part: 1),
            try await store.exportPart(id: claimed.id, tenant: tenant, part: 2),
            try await store.exportPart(id: claimed.id, tenant: tenant, part: 3),
        ]
        #expect(parts.map { $0?.count } == [size, size, 1234, nil])
        #expect(parts.compactMap { $0 }.flatMap { $0 } == export)
        #expect(try await store.export(id: claimed.id, tenant: tenant) == export)
        let other = Tenant(clientId: "c", accountId: "a", brandId: "Other")
        #expect(try await store.exportPart(id: claimed.id, tenant: other, part: 0) == nil)

        let keys: Set = [SuppressionKey.identity("u-export", tenant: tenant)]
        let erased = try await stores.holding(.regulations).erase(
            DataSubject(tenant: tenant, customerIds: [], keys: keys),
            limit: 10,
            at: later(2000)
        )
        #expect(erased == 1)
        #expect(try await store.exportPart(id: claimed.id, tenant: tenant, part: 0) == nil)
        #expect(try await store.exportPart(id: claimed.id, tenant: tenant, part: 1) == nil)
        #expect(try await store.regulation(id: claimed.id, tenant: tenant)?.hasExport == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func aClaimTakesTheOldestPendingRegulationUntilItsLeaseEnds(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let store = stores.regulations
        let first = regulation(.delete, RegulationSubject(kind: .userId, value: "u1"))
        let second = regulation(.access, RegulationSubject(kind: .email, value: "Ada@Example.com"), at: 1)
        try await store.create(second)
        try await store.create(first)
        #expect(try await store.claim(at: later(10), leaseUntil: later(1000), holder: "dead-node")?.id == first.id)
        #expect(try await store.claim(at: later(10), leaseUntil: later(1000), holder: "b")?.id == second.id)
        #expect(try await store.claim(at: later(20), leaseUntil: later(1000), holder: "c") == nil)
        // A worker that died: its lease ends and the regulation is taken again.
        let retaken = try #require(try await store.claim(at: later(1000), leaseUntil: later(2000), holder: "d"))
        #expect(retaken.id == first.id)
        #expect(retaken.subject.value == "u1")
        #expect(try await store.renew(id: first.id, holder: "d", leaseUntil: later(3000)))
        // The node whose lease ended learns that it no longer holds it, and cannot record it.
        #expect(try await store.renew(id: first.id, holder: "dead-node", leaseUntil: later(3000)) == false)
        var stale = retaken
        stale.status = .done
        #expect(try await store.finish(stale, holder: "dead-node", export: nil, eraseSubject: true) == false)
        #expect(try await store.regulation(id: first.id, tenant: tenant)?.status == .pending)

        var done = retaken
        done.status = .done
        done.completedAt = later(1500)
        done.result = ["profiles": 1, "events": 3]
        #expect(try await store.finish(done, holder: "d", export: nil, eraseSubject: true))
        #expect(try await store.renew(id: first.id, holder: "d", leaseUntil: later(4000)) == false)
        let read = try #require(try await store.regulation(id: first.id, tenant: tenant))
        #expect(read.status == .done)
        #expect(read.result == ["profiles": 1, "events": 3])
        #expect(read.subject.value == nil)
        #expect(read.subject.digest == first.subject.digest)
        #expect(read.requestedBy == "admin-1")
        #expect(read.completedAt == later(1500))
        #expect(
            try await store.regulation(id: first.id, tenant: Tenant(clientId: "c", accountId: "a", brandId: "Other"))
                == nil
        )

        var exported = try #require(try await store.claim(at: later(5000), leaseUntil: later(6000), holder: "e"))
        #expect(exported.id == second.id)
        exported.status = .done
        #expect(
            try await store.finish(exported, holder: "e", export: Array(#"{"customers":[]}"#.utf8), eraseSubject: false)
        )
        #expect(try await store.export(id: second.id, tenant: tenant) == Array(#"{"customers":[]}"#.utf8))
        #expect(try await store.regulation(id: second.id, tenant: tenant)?.hasExport == true)
        #expect(try await store.regulation(id: second.id, tenant: tenant)?.subject.value == "Ada@Example.com")

        let listed = try await store.regulations(tenant: tenant, limit: 10, before: nil)
        #expect(listed.map(\.id) == [second.id, first.id])
        #expect(try await store.regulations(tenant: tenant, limit: 10, before: second.id).map(\.id) == [first.id])
        #expect(try await store.regulations(tenant: tenant, limit: 1, before: nil).map(\.id) == [second.id])
    }

    /// Many workers claiming at once (nodes on one PostgreSQL) never take the same regulation.
    @Test(arguments: StoreBackend.allCases)
    func workersClaimingTogetherEachTakeADifferentRegulation(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        for index in 0..<24 {
            try await stores.regulations.create(
                regulation(.suppress, RegulationSubject(kind: .userId, value: "u\(index)"), at: Int64(index))
            )
        }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<6 {
                group.addTask {
                    var mine: [String] = []
                    while let taken = try await stores.regulations.claim(
                        at: later(100),
                        leaseUntil: later(60_000),
                        holder: "w"
                    ) {
                        mine.append(taken.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 24)
        #expect(Set(claimed).count == 24)
    }

    @Test(arguments: StoreBackend.allCases)
    func theProcessorDropsEventsAboutASuppressedCustomerAndFailsTheirCommands(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, count: 2, at: time)
        let customer = try #require(
            try await stores.profiles.customers(of: .init(kind: .userId, value: "u1"), tenant: tenant).first
        )
        #expect(customer.userId == "u1")
        // Leased for no time: each claim below takes the first message again.
        let before = try await stores.outbox.claim(OutboxClaim(limit: 1, now: later(1), lease: .zero))
        #expect(before.map(\.suppressed) == [false])
        let added = try await stores.suppressions.suppress(
            customer.suppressionKeys,
            kind: .suppress,
            customerIds: [customer.customerId],
            regulationId: "r-1",
            at: later(1)
        )
        #expect(added == customer.suppressionKeys.count)
        // Suppressing again adds nothing.
        #expect(
            try await stores.suppressions.suppress(
                customer.suppressionKeys,
                kind: .suppress,
                customerIds: [customer.customerId],
                regulationId: "r-2",
                at: later(1)
            ) == 0
        )
        // A message already made (as one a processor queued while the suppression was made) is
        // claimed with the customer suppressed, so that the dispatcher does not send it.
        let after = try await stores.outbox.claim(OutboxClaim(limit: 1, now: later(3), lease: .zero))
        #expect(after.map(\.suppressed) == [true])
        let cancelled = try await stores.holding(.messages).cancelWaiting(
            DataSubject(tenant: tenant, customerIds: [customer.customerId]),
            page: 1000,
            at: later(2)
        )
        #expect(cancelled == 1)

        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        let track = EventFixtures.entry(
            token: token,
            name: "Viewed Page",
            userId: "u1",
            extra: ["properties": ["secret": "s3cr3t"]]
        )
        let send = EventFixtures.entry(token: token, name: "SEND_SMS", userId: "u1", extra: ["assetId": "welcome"])
        let identify = EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["firstName": "Changed"])
        let stranger = EventFixtures.entry(.identify, token: token, userId: "u2", traits: ["firstName": "Bea"])
        try await stores.eventLog.append([track, send, identify, stranger])
        try await EventFixtures.processAll(stores, at: later(3), sends: SendFixtures.smsContext)

        let storedTrack = try #require(try await stores.eventLog.event(id: track.id, tenant: tenant))
        #expect(storedTrack.status == .processed)
        #expect(storedTrack.entry.body == Array("{}".utf8))
        #expect(storedTrack.entry.event.userId == nil)
        #expect(storedTrack.customerId == nil)
        let storedSend = try #require(try await stores.eventLog.event(id: send.id, tenant: tenant))
        #expect(storedSend.status == .failed)
        #expect(storedSend.errors == [.customerSuppressed])
        #expect(try await stores.outbox.messages(eventId: send.id).isEmpty)
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant)?.traits["firstName"] == "Ada")
        #expect(try await stores.profiles.profile(userId: "u2", tenant: tenant)?.traits["firstName"] == "Bea")

        // Lifting it by one of the keys lifts every key the regulation suppressed.
        let lifted = try await stores.suppressions.unsuppress(
            [SuppressionKey.identity("u1", tenant: tenant)],
            kind: .suppress,
            customerIds: [customer.customerId]
        )
        #expect(lifted == customer.suppressionKeys.count)
        // The last claim's send is given up as after a transient failure (a lease that ends twice in
        // a row would make the message dead), so the next claim takes it from the queue.
        let retry = AttemptOutcome(
            claim: MessageClaim(
                messageId: try #require(after.first).message.messageId,
                attempt: after[0].message.attempts
            ),
            record: .retry(MessageError(code: "provider_unavailable", message: "later"), nextAttemptAt: later(3))
        )
        #expect(try await stores.outbox.record([retry], at: later(3)) == [true])
        let again = try await stores.outbox.claim(OutboxClaim(limit: 1, now: later(10), lease: .zero))
        #expect(again.map(\.suppressed) == [false])
        let identifyAgain = EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["firstName": "Again"])
        try await stores.eventLog.append([identifyAgain])
        try await EventFixtures.processAll(stores, at: later(4))
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant)?.traits["firstName"] == "Again")
    }

    @Test(arguments: StoreBackend.allCases)
    func noTrackDropsTrackingButKeepsIdentifyAndSends(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await SendFixtures.queueSMS(in: stores, at: time)
        _ = try await stores.suppressions.suppress(
            [SuppressionKey.identity("u1", tenant: tenant)],
            kind: .noTrack,
            customerIds: [],
            regulationId: "r-1",
            at: later(1)
        )
        let token = try await EventFixtures.token(in: stores, tenant: tenant, at: time)
        let track = EventFixtures.entry(token: token, name: "Viewed Page", userId: "u1")
        let page = EventFixtures.entry(.page, token: token, name: "Home", userId: "u1")
        let send = EventFixtures.entry(token: token, name: "SEND_SMS", userId: "u1", extra: ["assetId": "welcome"])
        let identify = EventFixtures.entry(.identify, token: token, userId: "u1", traits: ["firstName": "Changed"])
        try await stores.eventLog.append([track, page, send, identify])
        try await EventFixtures.processAll(stores, at: later(3), sends: SendFixtures.smsContext)
        for id in [track.id, page.id] {
            let stored = try #require(try await stores.eventLog.event(id: id, tenant: tenant))
            #expect(stored.entry.body == Array("{}".utf8))
            #expect(stored.customerId == nil)
        }
        #expect(try await stores.outbox.messages(eventId: send.id).count == 1)
        #expect(try await stores.profiles.profile(userId: "u1", tenant: tenant)?.traits["firstName"] == "Changed")
    }
}
