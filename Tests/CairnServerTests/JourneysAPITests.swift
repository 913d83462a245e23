import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Issue 24 over the admin API: journeys created with a Cairn-made id, saved as drafts,
/// published, paused, resumed, archived and listed; definitions refused with a code, a sentence
/// and the step; a send of an asset the brand lacks refused.
@Suite struct JourneysAPITests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"

    func app() async throws -> (TestApp, String) {
        let app = try await TestApp { configuration in
            configuration.sending.enabled = false
            configuration.processor.enabled = false
            configuration.journeysEnabled = false
        }
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        _ = try await app.stores.assets.saveDraft(
            AssetDraft(
                tenant: TestApp.tenant,
                assetId: "reminder-1",
                name: nil,
                channel: .email,
                purpose: .transactional,
                content: ["subject": "Hi", "text": "Hello"]
            ),
            at: app.clock.now()
        )
        _ = try await app.stores.assets.saveDraft(
            AssetDraft(
                tenant: TestApp.tenant,
                assetId: "gold-offer",
                name: nil,
                channel: .email,
                purpose: .marketing,
                content: ["subject": "Gold", "text": "Offer"]
            ),
            at: app.clock.now()
        )
        return (app, secret.text)
    }

    /// The issue's example.
    static let example = """
        {"name": "Abandoned booking", "reentry": "after_exit", "exitOn": ["Booking Completed"],
         "entryStepId": "9d2f0c1e-0000-4000-8000-000000000001",
         "steps": [
           {"id": "9d2f0c1e-0000-4000-8000-000000000001", "type": "send", "assetId": "reminder-1",
            "next": "9d2f0c1e-0000-4000-8000-000000000002"},
           {"id": "9d2f0c1e-0000-4000-8000-000000000002", "type": "wait", "duration": "PT2H",
            "next": "9d2f0c1e-0000-4000-8000-000000000003"},
           {"id": "9d2f0c1e-0000-4000-8000-000000000003", "type": "split",
            "condition": {"trait": "tier", "equals": "gold"},
            "yes": "9d2f0c1e-0000-4000-8000-000000000004", "no": "9d2f0c1e-0000-4000-8000-000000000005"},
           {"id": "9d2f0c1e-0000-4000-8000-000000000004", "type": "send", "assetId": "gold-offer",
            "next": "9d2f0c1e-0000-4000-8000-000000000005"},
           {"id": "9d2f0c1e-0000-4000-8000-000000000005", "type": "exit"}]}
        """

    @Test func aJourneyIsCreatedPublishedPausedResumedAndArchived() async throws {
        let (app, admin) = try await app()
        let created = try await app.test { client in
            try await client.admin(.post, Self.brand + "/journeys", token: admin, body: Self.example)
        }
        #expect(created.status == .created, "\(created.json)")
        let id = try #require(created.json["journey"]?["journeyId"]?.stringValue)
        #expect(Journey.isId(id))
        #expect(created.json["journey"]?["status"] == "draft")
        #expect(created.json["journey"]?["draft"]?["definition"]?["name"] == "Abandoned booking")
        let path = Self.brand + "/journeys/" + id
        let answers = try await app.test { client in
            [
                try await client.admin(.post, path + "/pause", token: admin),
                try await client.admin(.post, path + "/publish", token: admin),
                try await client.admin(
                    .put,
                    path,
                    token: admin,
                    body: Self.example.replacingOccurrences(of: "Abandoned booking", with: "Abandoned booking 2")
                ),
                try await client.admin(.post, path + "/pause", token: admin),
                try await client.admin(.post, path + "/resume", token: admin),
                try await client.admin(.get, path, token: admin),
                try await client.admin(.delete, path, token: admin),
                try await client.admin(.put, path, token: admin, body: Self.example),
                try await client.admin(.get, Self.brand + "/journeys/0123456789abcdef01234567", token: admin),
                try await client.admin(.get, Self.brand + "/journeys/not-an-id", token: admin),
            ]
        }
        #expect(answers[0].code == "journey_not_live")
        #expect(answers[1].json["journey"]?["status"] == "live")
        #expect(answers[1].json["journey"]?["liveVersion"] == 1)
        #expect(answers[2].json["journey"]?["draft"]?["version"] == 2)
        #expect(answers[2].json["journey"]?["name"] == "Abandoned booking 2")
        #expect(answers[3].json["journey"]?["status"] == "paused")
        #expect(answers[4].json["journey"]?["status"] == "live")
        #expect(answers[5].json["journey"]?["versions"]?.arrayValue?.count == 2)
        #expect(answers[6].json["journey"]?["status"] == "archived")
        #expect(answers[7].status == .conflict)
        #expect(answers[7].code == "journey_archived")
        #expect(answers[8].code == "journey_not_found")
        #expect(answers[9].status == .notFound)
    }

    @Test func aDefinitionIsRefusedWithItsCodeAndStep() async throws {
        let (app, admin) = try await app()
        let missingAsset = Self.example.replacingOccurrences(of: "gold-offer", with: "no-such-asset")
        let (bad, noAsset, notJSON) = try await app.test { client in
            (
                try await client.admin(
                    .post,
                    Self.brand + "/journeys",
                    token: admin,
                    body:
                        #"{"name":"J","steps":[{"id":"9d2f0c1e-0000-4000-8000-000000000001","type":"wait","duration":"soon"}]}"#
                ),
                try await client.admin(.post, Self.brand + "/journeys", token: admin, body: missingAsset),
                try await client.admin(.post, Self.brand + "/journeys", token: admin, body: "[1,2]")
            )
        }
        #expect(bad.status == .badRequest)
        #expect(bad.code == "invalid_duration")
        #expect(bad.json["stepId"] == "9d2f0c1e-0000-4000-8000-000000000001")
        #expect(noAsset.code == "asset_not_found")
        #expect(noAsset.json["stepId"] == "9d2f0c1e-0000-4000-8000-000000000004")
        #expect(notJSON.status == .badRequest)
        #expect(try await app.stores.journeys.journeys(tenant: TestApp.tenant, limit: 10, before: nil).isEmpty)
    }

    @Test func journeysAreListedInPagesAndUnknownParametersRefused() async throws {
        let (app, admin) = try await app()
        let (first, second, unknown, badBefore) = try await app.test { client in
            for _ in 0..<3 {
                _ = try await client.admin(.post, Self.brand + "/journeys", token: admin, body: Self.example)
            }
            let first = try await client.admin(.get, Self.brand + "/journeys?limit=2", token: admin)
            let last = first.json["journeys"]?.arrayValue?.last?["journeyId"]?.stringValue ?? ""
            return (
                first,
                try await client.admin(.get, Self.brand + "/journeys?limit=2&before=\(last)", token: admin),
                try await client.admin(.get, Self.brand + "/journeys?status=live", token: admin),
                try await client.admin(.get, Self.brand + "/journeys?before=nope", token: admin)
            )
        }
        #expect(first.json["journeys"]?.arrayValue?.count == 2)
        #expect(second.json["journeys"]?.arrayValue?.count == 1)
        #expect(unknown.status == .badRequest)
        #expect(badBefore.code == "invalid_before")
    }
}

extension JourneysAPITests {
    @Test func aJourneysCustomersAreListedWithTheirStepsAndCountedPerStep() async throws {
        let (app, admin) = try await app()
        let journeyId = try await JourneyFixtures.liveJourney(
            in: app.stores,
            tenant: TestApp.tenant,
            at: app.clock.now()
        )
        let eventId = try await JourneyFixtures.start(
            journeyId,
            in: app.stores,
            tenant: TestApp.tenant,
            at: app.clock.now()
        )
        let instance = try #require(try await app.stores.journeyInstances.instances(eventId: eventId).first)
        let path = Self.brand + "/journeys/" + journeyId
        let (list, one, shown, missing, badStatus) = try await app.test { client in
            (
                try await client.admin(.get, path + "/instances?status=active&userId=u1", token: admin),
                try await client.admin(.get, path + "/instances/" + instance.instanceId, token: admin),
                try await client.admin(.get, path, token: admin),
                try await client.admin(.get, path + "/instances/01a25316-77d3-73e9-8297-148fea26e77a", token: admin),
                try await client.admin(.get, path + "/instances?status=lost", token: admin)
            )
        }
        #expect(list.json["instances"]?.arrayValue?.map { $0["instanceId"] } == [.string(instance.instanceId)])
        #expect(one.json["instance"]?["eventId"] == .string(eventId.description))
        #expect(one.json["instance"]?["steps"] == [])
        #expect(shown.json["customersAtSteps"] == [.init(stringLiteral: JourneyFixtures.step(1)): 1])
        #expect(missing.code == "instance_not_found")
        #expect(badStatus.code == "invalid_status")
    }
}
