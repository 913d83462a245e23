import CairnCore
import CairnPipeline
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The regulations routes through the router: what is refused, what a request records, and
/// reading regulations and an access export back.
@Suite struct RegulationsAPITests {
    static let path = AdminAPITests.brandPath + "/regulations"
    // Every test runs an API node: no regulations worker carries a request out under it.

    func admin(_ app: TestApp) async throws -> (id: String, secret: String) {
        let (record, secret) = AdminTokenRecord.issue(name: "privacy", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        _ = try await app.stores.brands.save(TestApp.tenant, name: "Hotels", timeZone: "UTC", at: app.clock.now())
        return (record.id, secret.text)
    }

    @Test func badRequestsAreRefusedWithACodeNamingTheField() async throws {
        let app = try await TestApp { $0.role = .api }
        let admin = try await admin(app).secret
        let bodies = [
            #"{"subject":{"userId":"u1"}}"#,
            #"{"type":"forget","subject":{"userId":"u1"}}"#,
            #"{"type":7,"subject":{"userId":"u1"}}"#,
            #"{"type":"delete"}"#,
            #"{"type":"delete","subject":"u1"}"#,
            #"{"type":"delete","subject":{}}"#,
            #"{"type":"delete","subject":{"userId":"u1","email":"a@b.c"}}"#,
            #"{"type":"delete","subject":{"phone":"+447700900123"}}"#,
            #"{"type":"delete","subject":{"userId":""}}"#,
            #"{"type":"delete","subject":{"userId":12}}"#,
            #"[1]"#,
        ]
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for body in bodies { answers.append(try await client.admin(.post, Self.path, token: admin, body: body)) }
            return answers
        }
        #expect(answers.allSatisfy { $0.status == .badRequest })
        #expect(
            answers.map(\.code) == [
                "invalid_regulation_type", "invalid_regulation_type", "invalid_regulation_type", "invalid_subject",
                "invalid_subject", "invalid_subject", "invalid_subject", "invalid_subject", "invalid_subject",
                "invalid_subject", "body_not_object",
            ]
        )
        #expect(answers[1].message?.contains("suppress, unsuppress, delete, suppress_with_delete") == true)
        let (unknownBrand, padded) = try await app.test { client in
            (
                try await client.admin(
                    .post,
                    "/admin/v1/brands/hea/hea/TYPO/regulations",
                    token: admin,
                    body: #"{"type":"delete","subject":{"userId":"u1"}}"#
                ),
                try await client.admin(
                    .post,
                    Self.path,
                    token: admin,
                    body: #"{"type":"access","subject":{"email":"  ada@example.com \n"}}"#
                )
            )
        }
        #expect(unknownBrand.status == .notFound)
        #expect(unknownBrand.code == "brand_not_found")
        #expect(padded.json["regulation"]?["subject"] == ["email": "ada@example.com"])
        #expect(try await app.stores.regulations.regulations(tenant: TestApp.tenant, limit: 10, before: nil).count == 1)
    }

    @Test func aRequestIsRecordedPendingWithWhoAskedAndADigestOfItsSubject() async throws {
        let app = try await TestApp { $0.role = .api }
        let (adminId, admin) = try await admin(app)
        let (created, read, missing, unknown, otherBrand) = try await app.test { client in
            let created = try await client.admin(
                .post,
                Self.path,
                token: admin,
                body: #"{"type":"suppress_with_delete","subject":{"email":"Ada@Example.com"}}"#
            )
            let id = created.json["regulation"]?["id"]?.stringValue ?? ""
            return (
                created,
                try await client.admin(.get, Self.path + "/" + id, token: admin),
                try await client.admin(.get, Self.path + "/00000000-0000-0000-0000-000000000000", token: admin),
                try await client.admin(.get, Self.path + "/not-an-id", token: admin),
                try await client.admin(.get, "/admin/v1/brands/hea/hea/OTHER/regulations/" + id, token: admin)
            )
        }
        #expect(created.status == .accepted)
        let regulation = try #require(created.json["regulation"])
        #expect(regulation["type"] == "suppress_with_delete")
        #expect(regulation["status"] == "pending")
        #expect(regulation["subject"] == ["email": "Ada@Example.com"])
        // sha256("email:ada@example.com"): an operator can show which subject it was after it is erased.
        #expect(regulation["subjectHash"] == .string(RegulationSubject(kind: .email, value: "ada@EXAMPLE.com").digest))
        #expect(regulation["requestedBy"] == .string(adminId))
        #expect(regulation["requestedAt"] == .string(app.clock.now().iso8601))
        #expect(regulation["completedAt"] == .null)
        #expect(regulation["exportURL"] == .null)
        #expect(read.status == .ok)
        #expect(read.json["regulation"] == regulation)
        #expect([missing.status, unknown.status, otherBrand.status] == [.notFound, .notFound, .notFound])
        #expect([missing.code, unknown.code, otherBrand.code] == Array(repeating: "regulation_not_found", count: 3))
    }

    @Test func anAccessExportIsReadyOnlyOnceDoneAndOnlyAccessHasOne() async throws {
        // An API node runs no regulations worker: the test carries them out itself, when it chooses.
        let app = try await TestApp { $0.role = .api }
        let admin = try await admin(app).secret
        let token = try await app.token()
        _ = try await app.test { client in
            try await client.post(
                TestApp.base + "/identify",
                token: token,
                body: #"{"userId":"u1","traits":{"firstName":"Ada"}}"#
            )
        }
        _ = try await app.processAll()
        let (access, delete, early, none) = try await app.test { client in
            let access = try await client.admin(
                .post,
                Self.path,
                token: admin,
                body: #"{"type":"access","subject":{"userId":"u1"}}"#
            )
            let delete = try await client.admin(
                .post,
                Self.path,
                token: admin,
                body: #"{"type":"delete","subject":{"userId":"nobody"}}"#
            )
            let accessId = access.json["regulation"]?["id"]?.stringValue ?? ""
            let deleteId = delete.json["regulation"]?["id"]?.stringValue ?? ""
            return (
                accessId, deleteId,
                try await client.admin(.get, Self.path + "/\(accessId)/export", token: admin),
                try await client.admin(.get, Self.path + "/\(deleteId)/export", token: admin)
            )
        }
        #expect(early.status == .conflict)
        #expect(early.code == "export_not_ready")
        #expect(none.status == .notFound)
        #expect(none.code == "no_export")

        let worker = RegulationWorker(
            store: app.stores.regulations,
            suppressions: app.stores.suppressions,
            eventLog: app.stores.eventLog,
            profiles: app.stores.profiles,
            personalData: app.stores.personalData,
            clock: app.clock,
            requested: WakeSignal(),
            logger: Logger(label: "test")
        )
        while try await worker.performNext() {}
        let (read, export, listed) = try await app.test { client in
            (
                try await client.admin(.get, Self.path + "/\(access)", token: admin),
                try await client.execute(
                    uri: Self.path + "/\(access)/export",
                    method: .get,
                    headers: [.authorization: "Bearer \(admin)"]
                ) { $0 },
                try await client.admin(.get, Self.path, token: admin)
            )
        }
        #expect(read.json["regulation"]?["status"] == "done")
        #expect(read.json["regulation"]?["result"]?["customers"] == 1)
        #expect(
            read.json["regulation"]?["exportURL"]
                == .string(Self.path + "/\(access)/export")
        )
        #expect(export.status == .ok)
        #expect(export.headers[.contentType] == "application/json")
        #expect(export.headers[.contentDisposition]?.contains("attachment") == true)
        let document = try JSONParser.parse(Array(export.body.readableBytesView))
        #expect(document["customers"]?.arrayValue?.first?["traits"]?["firstName"] == "Ada")
        let ids = listed.json["regulations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Set(ids) == [access, delete])
        // The next page after the first of the list holds the other one.
        let page = try await app.test { client in
            try await client.admin(.get, Self.path + "?limit=1&before=\(ids.first ?? "")", token: admin)
        }
        #expect(page.json["regulations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.dropFirst()))

        // A later erasure of the customer takes the export with it.
        let erasure = try await app.test { client in
            try await client.admin(
                .post,
                Self.path,
                token: admin,
                body: #"{"type":"delete","subject":{"userId":"u1"}}"#
            )
        }
        #expect(erasure.status == .accepted)
        while try await worker.performNext() {}
        let gone = try await app.test { client in
            try await client.admin(.get, Self.path + "/\(access)/export", token: admin)
        }
        #expect(gone.status == .gone)
        #expect(gone.code == "export_erased")
    }

    @Test func listingRefusesABadLimitOrCursor() async throws {
        let app = try await TestApp { $0.role = .api }
        let admin = try await admin(app).secret
        let answers = try await app.test { client in
            [
                try await client.admin(.get, Self.path + "?limit=0", token: admin),
                try await client.admin(.get, Self.path + "?limit=x", token: admin),
                try await client.admin(.get, Self.path + "?before=yesterday", token: admin),
                try await client.admin(.get, Self.path + "?status=done", token: admin),
                try await client.admin(.get, Self.path, token: nil),
            ]
        }
        #expect(answers.map(\.status) == [.badRequest, .badRequest, .badRequest, .badRequest, .unauthorized])
        #expect(Array(answers.map(\.code).prefix(3)) == ["invalid_limit", "invalid_limit", "invalid_before"])
    }
}
