import CairnCore
import CairnStorage
import CairnTestFixtures
import Testing

@Suite struct AssetStoreContractTests {
    let time = EventFixtures.receivedAt

    func draft(
        _ assetId: String = "202007-B-AbandonedBooking",
        body: String = "Hi {{customer.firstName}}",
        tenant: Tenant = EventFixtures.tenant,
        channel: AssetChannel = .sms
    ) -> AssetDraft {
        AssetDraft(
            tenant: tenant,
            assetId: assetId,
            name: "Abandoned booking",
            channel: channel,
            purpose: .marketing,
            content: ["body": .string(body)]
        )
    }

    func later(_ milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + milliseconds)
    }

    @Test(arguments: StoreBackend.allCases)
    func draftsArePublishedAndEveryVersionIsKept(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let first = try await stores.assets.saveDraft(draft(body: "one"), at: time)
        #expect(first.versions.map(\.version) == [1])
        #expect(first.draft?.content == ["body": "one"])
        #expect(first.live == nil)
        let published = try await stores.assets.publish(
            tenant: EventFixtures.tenant,
            assetId: first.assetId,
            at: later(1)
        )
        #expect(published.live?.version == 1)
        #expect(published.live?.publishedAt == later(1))
        #expect(published.draft == nil)
        _ = try await stores.assets.saveDraft(draft(body: "two"), at: later(2))
        let withDraft = try #require(
            try await stores.assets.asset(tenant: EventFixtures.tenant, assetId: first.assetId)
        )
        #expect(withDraft.live?.content == ["body": "one"], "the live version stays until the draft is published")
        #expect(withDraft.draft?.content == ["body": "two"])
        let second = try await stores.assets.publish(tenant: EventFixtures.tenant, assetId: first.assetId, at: later(3))
        #expect(second.live?.version == 2)
        #expect(second.versions.map(\.version) == [1, 2])
        #expect(second.versions.map(\.publishedAt) == [later(1), later(3)])
        await #expect(throws: AssetStoreError.noDraft) {
            try await stores.assets.publish(tenant: EventFixtures.tenant, assetId: first.assetId, at: later(4))
        }
        // The brand exists once an asset names it.
        #expect(try await stores.brands.brand(EventFixtures.tenant)?.name == "B")
    }

    @Test(arguments: StoreBackend.allCases)
    func anotherBrandsAssetIsAnotherAsset(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let other = Tenant(clientId: "c", accountId: "a", brandId: "OTHER")
        _ = try await stores.assets.saveDraft(draft(body: "ours"), at: time)
        _ = try await stores.assets.saveDraft(draft(body: "theirs", tenant: other, channel: .email).withEmail, at: time)
        let ours = try #require(
            try await stores.assets.asset(tenant: EventFixtures.tenant, assetId: "202007-B-AbandonedBooking")
        )
        let theirs = try #require(try await stores.assets.asset(tenant: other, assetId: "202007-B-AbandonedBooking"))
        #expect(ours.channel == .sms)
        #expect(theirs.channel == .email)
        #expect(
            try await stores.assets.assets(tenant: EventFixtures.tenant).map(\.assetId) == ["202007-B-AbandonedBooking"]
        )
        #expect(
            try await stores.assets.asset(
                tenant: Tenant(clientId: "x", accountId: "a", brandId: "B"),
                assetId: ours.assetId
            ) == nil
        )
    }

    @Test(arguments: StoreBackend.allCases)
    func theChannelIsFixedAndAnArchivedAssetNoLongerChanges(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        _ = try await stores.assets.saveDraft(draft(), at: time)
        await #expect(throws: AssetStoreError.channelMismatch(existing: .sms)) {
            try await stores.assets.saveDraft(draft(channel: .email).withEmail, at: later(1))
        }
        #expect(try await stores.assets.archive(tenant: EventFixtures.tenant, assetId: draft().assetId, at: later(2)))
        #expect(try await !stores.assets.archive(tenant: EventFixtures.tenant, assetId: draft().assetId, at: later(3)))
        let archived = try await stores.assets.asset(tenant: EventFixtures.tenant, assetId: draft().assetId)
        #expect(archived?.archivedAt == later(2))
        await #expect(throws: AssetStoreError.archived) { try await stores.assets.saveDraft(draft(), at: later(4)) }
        await #expect(throws: AssetStoreError.archived) {
            try await stores.assets.publish(tenant: EventFixtures.tenant, assetId: draft().assetId, at: later(4))
        }
        await #expect(throws: AssetStoreError.notFound) {
            try await stores.assets.publish(tenant: EventFixtures.tenant, assetId: "nope", at: later(4))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentSavesNumberEveryVersionOnce(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    _ = try await stores.assets.saveDraft(draft(body: "v\(index)"), at: later(Int64(index)))
                }
            }
            try await group.waitForAll()
        }
        let asset = try #require(try await stores.assets.asset(tenant: EventFixtures.tenant, assetId: draft().assetId))
        #expect(asset.versions.map(\.version) == Array(1...12))
    }
}

extension AssetDraft {
    /// The same draft as an email asset.
    var withEmail: AssetDraft {
        var draft = self
        draft.channel = .email
        draft.content = ["from": "shop@example.com", "subject": "Hi", "text": "x"]
        return draft
    }
}

@Suite struct AssetSchemaTests {
    @Test(arguments: StoreBackend.allCases)
    func theSchemaKeepsOneLiveVersionPerAsset(_ backend: StoreBackend) async throws {
        let stores = try await backend.makeStores()
        let draft = AssetDraft(
            tenant: EventFixtures.tenant,
            assetId: "a",
            name: nil,
            channel: .sms,
            purpose: .marketing,
            content: ["body": "x"]
        )
        _ = try await stores.assets.saveDraft(draft, at: EventFixtures.receivedAt)
        _ = try await stores.assets.publish(tenant: EventFixtures.tenant, assetId: "a", at: EventFixtures.receivedAt)
        _ = try await stores.assets.saveDraft(draft, at: EventFixtures.receivedAt)
        // Past the store, straight into the table: a second live version is refused.
        await #expect(throws: (any Error).self) {
            try await SchemaProbe.execute(
                "UPDATE asset_versions SET live = \(backend == .sqlite ? "1" : "true") WHERE version = 2",
                on: stores
            )
        }
    }
}
