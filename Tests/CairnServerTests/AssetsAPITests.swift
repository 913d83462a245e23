import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Testing

/// Assets over the admin API: save, publish, read, archive, preview, and every refusal.
@Suite struct AssetsAPITests {
    static let assets = AdminAPITests.brandPath + "/assets"

    let email = #"""
        {"name":"Abandoned booking","channel":"email","purpose":"marketing",
         "content":{"from":"Hotels <shop@example.com>","subject":"{{customer.firstName}}, your booking {{bookingId}}",
                    "html":"<p>Hi {{customer.firstName}} {{customer.nickname}}</p>",
                    "text":"Hi {{customer.firstName}} {{customer.nickname}}"}}
        """#

    func app() async throws -> (TestApp, String) {
        let app = try await TestApp()
        let (record, secret) = AdminTokenRecord.issue(name: "test", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return (app, secret.text)
    }

    @Test func anAssetIsSavedPublishedListedAndArchived() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/202007-B-AbandonedBooking"
        let email = self.email
        let (saved, published, second, shown, listed, archived, afterArchive) = try await app.test { client in
            let saved = try await client.admin(.put, path, token: admin, body: email)
            let published = try await client.admin(.post, "\(path)/publish", token: admin)
            let second = try await client.admin(
                .put,
                path,
                token: admin,
                body: email.replacingOccurrences(of: "your booking", with: "booking")
            )
            let shown = try await client.admin(.get, path, token: admin)
            let listed = try await client.admin(.get, Self.assets, token: admin)
            let archived = try await client.admin(.delete, path, token: admin)
            let afterArchive = try await client.admin(.put, path, token: admin, body: email)
            return (saved, published, second, shown, listed, archived, afterArchive)
        }
        #expect(saved.status == .ok)
        #expect(saved.json["asset"]?["draft"]?["version"] == 1)
        #expect(saved.json["asset"]?["live"] == .null)
        #expect(published.json["asset"]?["live"]?["version"] == 1)
        #expect(published.json["asset"]?["draft"] == .null)
        #expect(second.json["asset"]?["draft"]?["version"] == 2)
        let asset = try #require(shown.json["asset"])
        #expect(asset["assetId"] == "202007-B-AbandonedBooking")
        #expect(asset["channel"] == "email")
        #expect(asset["purpose"] == "marketing")
        #expect(asset["live"]?["version"] == 1)
        #expect(asset["live"]?["content"]?["subject"] == "{{customer.firstName}}, your booking {{bookingId}}")
        #expect(asset["draft"]?["version"] == 2)
        #expect(asset["versions"]?.arrayValue?.map { $0["live"] } == [true, false])
        #expect(listed.json["assets"]?.arrayValue?.count == 1)
        #expect(archived.json["asset"]?["archivedAt"]?.stringValue != nil)
        #expect(afterArchive.status == .conflict)
        #expect(afterArchive.code == "asset_archived")
    }

    @Test func badShapesAreRefusedWithACodeNamingTheField() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/a1"
        let bodies = [
            #"{"channel":"fax","purpose":"marketing","content":{}}"#,
            #"{"channel":"sms","purpose":"spam","content":{"body":"x"}}"#,
            #"{"channel":"sms","content":{"body":"x"}}"#,
            #"{"channel":"email","purpose":"marketing","content":{"from":"a@b.c","text":"x"}}"#,
            #"{"channel":"email","purpose":"marketing","content":{"from":"a@b.c","subject":"s"}}"#,
            #"{"channel":"print","purpose":"transactional","content":{"html":"<p/>","pageSize":"A3"}}"#,
            #"{"channel":"sms","purpose":"marketing","syntax":"jinja","content":{"body":"x"}}"#,
            #"{"channel":"sms","purpose":"marketing","content":"x"}"#,
            "not json",
        ]
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for body in bodies { answers.append(try await client.admin(.put, path, token: admin, body: body)) }
            answers.append(try await client.admin(.put, "\(Self.assets)/bad%20id", token: admin, body: bodies[0]))
            answers.append(try await client.admin(.get, "\(Self.assets)/nothing", token: admin))
            answers.append(try await client.admin(.post, "\(Self.assets)/nothing/publish", token: admin))
            return answers
        }
        #expect(
            answers.map(\.code) == [
                "invalid_channel", "invalid_purpose", "missing_purpose", "missing_subject", "missing_body",
                "invalid_page_size", "invalid_syntax", "invalid_content", "invalid_json", "invalid_asset_id",
                "asset_not_found", "asset_not_found",
            ]
        )
        #expect(answers.dropLast(2).allSatisfy { $0.status == .badRequest })
        #expect(answers.suffix(2).allSatisfy { $0.status == .notFound })
    }

    @Test func aTemplateTypoIsRefusedWithItsFieldLineAndColumn() async throws {
        let (app, admin) = try await app()
        let answer = try await app.test { client in
            try await client.admin(
                .put,
                "\(Self.assets)/welcome",
                token: admin,
                body:
                    #"{"channel":"email","purpose":"marketing","content":{"from":"a@b.c","subject":"s","html":"<p>\n{{#customer.vip}}VIP</p>"}}"#
            )
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "template_error")
        #expect(answer.json["field"] == "html")
        #expect(answer.json["line"] == 2)
        guard case .number? = answer.json["column"] else {
            Issue.record("a template error names its column")
            return
        }
        #expect(answer.message?.contains("line 2") == true)
    }

    @Test func theChannelOfAnAssetIsFixedAndDraftsNeedSavingBeforePublishing() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/fixed"
        let answers = try await app.test { client in
            [
                try await client.admin(
                    .put,
                    path,
                    token: admin,
                    body: #"{"channel":"sms","purpose":"marketing","content":{"body":"x"}}"#
                ),
                try await client.admin(.put, path, token: admin, body: self.email),
                try await client.admin(.post, "\(path)/publish", token: admin),
                try await client.admin(.post, "\(path)/publish", token: admin),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .conflict, .ok, .conflict])
        #expect(answers.map(\.code) == [nil, "asset_channel_fixed", nil, "no_draft"])
    }

    @Test func freeMarkerTagsAreConvertedWhenSaved() async throws {
        let (app, admin) = try await app()
        let (saved, refused) = try await app.test { client in
            (
                try await client.admin(
                    .put,
                    "\(Self.assets)/fm",
                    token: admin,
                    body:
                        #"{"channel":"sms","purpose":"marketing","syntax":"freemarker","content":{"body":"Hi ${customer.firstName!\"there\"}"}}"#
                ),
                try await client.admin(
                    .put,
                    "\(Self.assets)/fm2",
                    token: admin,
                    body:
                        #"{"channel":"sms","purpose":"marketing","syntax":"freemarker","content":{"body":"<#if x>y</#if>"}}"#
                )
            )
        }
        #expect(
            saved.json["asset"]?["draft"]?["content"]?["body"]
                == .string(
                    "Hi {{#exists(customer.firstName)}}{{customer.firstName}}{{/exists(customer.firstName)}}"
                        + "{{^exists(customer.firstName)}}there{{/exists(customer.firstName)}}"
                )
        )
        #expect(refused.code == "template_error")
        #expect(refused.json["column"] == 1)
    }

    @Test func aPreviewRendersWithARealCustomerAndNamesTheMissingTags() async throws {
        let (app, admin) = try await app()
        let token = try await app.token()
        let path = "\(Self.assets)/202007-B-AbandonedBooking"
        let email = self.email
        let (draft, live, noCustomer) = try await app.test { client in
            _ = try await client.post(
                "\(TestApp.base)/identify",
                token: token,
                body: #"{"userId":"ABC/123","traits":{"firstName":"Fred","nickname":"<b>F</b>"}}"#
            )
            try await app.processAll()
            _ = try await client.admin(.put, path, token: admin, body: email)
            let draft = try await client.admin(
                .post,
                "\(path)/preview",
                token: admin,
                body: #"{"userId":"ABC/123","data":{"bookingId":"1234"}}"#
            )
            let live = try await client.admin(.post, "\(path)/preview", token: admin, body: #"{"version":"live"}"#)
            let noCustomer = try await client.admin(
                .post,
                "\(path)/preview",
                token: admin,
                body: #"{"userId":"nobody"}"#
            )
            return (draft, live, noCustomer)
        }
        #expect(draft.status == .ok)
        #expect(draft.json["rendered"]?["subject"] == "Fred, your booking 1234")
        #expect(draft.json["rendered"]?["html"] == "<p>Hi Fred &lt;b&gt;F&lt;/b&gt;</p>")
        #expect(draft.json["rendered"]?["text"] == "Hi Fred <b>F</b>")
        #expect(draft.json["missingTags"] == [])
        #expect(live.code == "version_not_found")
        #expect(noCustomer.code == "profile_not_found")
    }

    @Test func aPreviewWithoutACustomerListsEveryTagThatFoundNoValue() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/202007-B-AbandonedBooking"
        let email = self.email
        let preview = try await app.test { client in
            _ = try await client.admin(.put, path, token: admin, body: email)
            return try await client.admin(.post, "\(path)/preview", token: admin, body: #"{"data":{"bookingId":7}}"#)
        }
        #expect(preview.json["rendered"]?["subject"] == ", your booking 7")
        #expect(preview.json["missingTags"] == ["customer.firstName", "customer.nickname"])
    }

    @Test func oneCodeUnderTwoBrandsIsTwoAssets() async throws {
        let (app, admin) = try await app()
        let other = "/admin/v1/brands/hea/hea/OTHER/assets/welcome"
        let answers = try await app.test { client in
            [
                try await client.admin(
                    .put,
                    "\(Self.assets)/welcome",
                    token: admin,
                    body: #"{"channel":"sms","purpose":"marketing","content":{"body":"ours"}}"#
                ),
                try await client.admin(.get, other, token: admin),
                try await client.admin(
                    .put,
                    other,
                    token: admin,
                    body: #"{"channel":"push","purpose":"marketing","content":{"title":"t","body":"theirs"}}"#
                ),
                try await client.admin(.get, "\(Self.assets)/welcome", token: admin),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .notFound, .ok, .ok])
        #expect(answers[3].json["asset"]?["channel"] == "sms")
        #expect(answers[3].json["asset"]?["draft"]?["content"]?["body"] == "ours")
    }

    @Test func previewAndArchiveRefuseWhatIsNotThere() async throws {
        let (app, admin) = try await app()
        let path = "\(Self.assets)/p"
        let answers = try await app.test { client in
            [
                try await client.admin(.delete, "\(Self.assets)/nothing", token: admin),
                try await client.admin(
                    .put,
                    path,
                    token: admin,
                    body: #"{"channel":"sms","purpose":"marketing","content":{"body":"x"}}"#
                ),
                try await client.admin(.post, "\(path)/preview", token: admin, body: #"{"version":"old"}"#),
                try await client.admin(.post, "\(path)/publish", token: admin),
                try await client.admin(.post, "\(path)/preview", token: admin, body: #"{"version":"draft"}"#),
                try await client.admin(.post, "\(path)/preview", token: admin, body: #"{"version":"live"}"#),
                try await client.admin(.put, "\(Self.assets)/..", token: admin, body: "{}"),
            ]
        }
        #expect(
            answers.map(\.code) == [
                "asset_not_found", nil, "invalid_version", nil, "version_not_found", nil, "invalid_asset_id",
            ]
        )
        #expect(answers[5].json["rendered"]?["body"] == "x")
    }
}
