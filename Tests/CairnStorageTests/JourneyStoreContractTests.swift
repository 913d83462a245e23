import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

/// Issue 24: journeys and their versions on both backends: drafts numbered in order, one live,
/// paused and resumed, archived for good, and listed newest first in pages.
@Suite struct JourneyStoreContractTests {
    let tenant = EventFixtures.tenant
    let time = EventFixtures.receivedAt

    func later(_ seconds: Int64) -> Timestamp { time.adding(.seconds(seconds)) }

    static func definition(_ name: String) -> JSONValue {
        ["name": .string(name), "steps": [["id": "9d2f0c1e-0000-4000-8000-000000000001", "type": "exit"]]]
    }

    @Test(arguments: StoreBackend.allCases)
    func versionsArePublishedPausedResumedAndArchived(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let id = Journey.makeId(at: time)
        #expect(Journey.isId(id))
        let created = try await stores.journeys.create(
            tenant: tenant,
            journeyId: id,
            name: "One",
            definition: Self.definition("One"),
            at: time
        )
        #expect(created.status == .draft)
        #expect(created.versions.map(\.version) == [1])
        #expect(created.draft?.definition == Self.definition("One"))
        await #expect(throws: JourneyStoreError.notLive) {
            _ = try await stores.journeys.setPaused(true, tenant: tenant, journeyId: id, at: later(1))
        }
        let published = try await stores.journeys.publish(tenant: tenant, journeyId: id, at: later(2))
        #expect(published.status == .live)
        #expect(published.liveVersion == 1)
        #expect(published.draft == nil)
        await #expect(throws: JourneyStoreError.noDraft) {
            _ = try await stores.journeys.publish(tenant: tenant, journeyId: id, at: later(3))
        }
        let second = try await stores.journeys.saveDraft(
            tenant: tenant,
            journeyId: id,
            name: "Two",
            definition: Self.definition("Two"),
            at: later(4)
        )
        #expect(second.name == "Two")
        #expect(second.liveVersion == 1, "the live version stays until the draft is published")
        #expect(second.draft?.version == 2)
        let paused = try await stores.journeys.setPaused(true, tenant: tenant, journeyId: id, at: later(5))
        #expect(paused.status == .paused)
        let republished = try await stores.journeys.publish(tenant: tenant, journeyId: id, at: later(6))
        #expect(republished.liveVersion == 2)
        #expect(republished.status == .paused, "publishing a paused journey leaves it paused")
        #expect(try await stores.journeys.setPaused(false, tenant: tenant, journeyId: id, at: later(7)).status == .live)
        #expect(try await stores.journeys.archive(tenant: tenant, journeyId: id, at: later(8)))
        #expect(try await !stores.journeys.archive(tenant: tenant, journeyId: id, at: later(9)))
        await #expect(throws: JourneyStoreError.archived) {
            _ = try await stores.journeys.saveDraft(
                tenant: tenant,
                journeyId: id,
                name: "Three",
                definition: Self.definition("Three"),
                at: later(10)
            )
        }
        let archived = try #require(try await stores.journeys.journey(tenant: tenant, journeyId: id))
        #expect(archived.status == .archived)
        #expect(archived.versions.map(\.version) == [1, 2])
        #expect(try await stores.journeys.journey(tenant: tenant, journeyId: Journey.makeId(at: time)) == nil)
        let other = Tenant(clientId: tenant.clientId, accountId: tenant.accountId, brandId: "OTHER")
        #expect(
            try await stores.journeys.journey(tenant: other, journeyId: id) == nil,
            "another brand's is out of sight"
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func journeysAreListedNewestFirstInPages(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        var ids: [String] = []
        for n in 0..<5 {
            let id = Journey.makeId(at: later(Int64(n)))
            ids.append(id)
            _ = try await stores.journeys.create(
                tenant: tenant,
                journeyId: id,
                name: "J\(n)",
                definition: Self.definition("J\(n)"),
                at: later(Int64(n))
            )
        }
        let first = try await stores.journeys.journeys(tenant: tenant, limit: 2, before: nil)
        #expect(first.map(\.name) == ["J4", "J3"])
        let second = try await stores.journeys.journeys(tenant: tenant, limit: 2, before: first.last?.journeyId)
        #expect(second.map(\.name) == ["J2", "J1"])
        let last = try await stores.journeys.journeys(tenant: tenant, limit: 2, before: second.last?.journeyId)
        #expect(last.map(\.name) == ["J0"])
    }
}
