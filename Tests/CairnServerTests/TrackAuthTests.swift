import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import Testing

@Suite struct TrackAuthTests {
    let body = #"{"userId":"u","event":"e"}"#

    @Test func aMissingTokenIsRefusedInTheSpecWords() async throws {
        let app = try await TestApp()
        let answers = try await app.test { client in
            [
                try await client.post("\(TestApp.base)/track", token: nil, body: body),
                try await client.post("\(TestApp.base)/track", token: "", body: body),
                try await client.get("\(TestApp.base)/events/7f7211bf-94c8-4bfc-afb2-8a319d045cd6", token: nil),
            ]
        }
        for answer in answers {
            #expect(answer.status == .forbidden)
            #expect(answer.code == "no_token_supplied")
            #expect(answer.json["message"] == "No Token Supplied")
        }
    }

    @Test func unknownWrongAndForeignTokensAreNotAuthorised() async throws {
        let app = try await TestApp()
        let good = try await app.token()
        let otherClient = try await app.token(client: "acme", account: "hea", brand: "HEA")
        let otherAccount = try await app.token(client: "hea", account: "other", brand: nil)
        let otherBrand = try await app.token(brand: "HEB")
        var tampered = Array(good.utf8)
        tampered[tampered.count - 1] = tampered.last == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        let candidates = [
            "1234abcd", String(decoding: tampered, as: UTF8.self), otherClient, otherAccount, otherBrand,
            TokenSecret.generate().text,
        ]
        let answers = try await app.test { client in
            var answers: [Answer] = []
            for token in candidates {
                answers.append(try await client.post("\(TestApp.base)/track", token: token, body: body))
            }
            return answers
        }
        for answer in answers {
            #expect(answer.status == .forbidden)
            #expect(answer.code == "token_not_authorised")
            #expect(answer.json["message"] == "Token Not Authorised")
        }
    }

    @Test func anAccountTokenWorksForEveryBrandAndABrandTokenForItsOwn() async throws {
        let app = try await TestApp()
        let account = try await app.token(brand: nil)
        let brand = try await app.token(brand: "HEA")
        let statuses = try await app.test { client in
            [
                try await client.post("/track/hea/hea/HEA/v1/track", token: account, body: body).status,
                try await client.post("/track/hea/hea/OTHER/v1/track", token: account, body: body).status,
                try await client.post("/track/hea/hea/HEA/v1/track", token: brand, body: body).status,
                try await client.post("/track/hea/hea/OTHER/v1/track", token: brand, body: body).status,
            ]
        }
        #expect(statuses == [.ok, .ok, .ok, .forbidden])
    }

    @Test func aRevokedTokenStopsWorkingOnceTheCacheHasAged() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let id = try #require(TokenSecret(presented: token)).id
        let (stores, clock) = (app.stores, app.clock)
        let statuses = try await app.test { client in
            let before = try await client.post("\(TestApp.base)/track", token: token, body: body).status
            _ = try await stores.tokens.revoke(id: id, at: clock.now())
            // The token read before the revocation is trusted for the cache's 5 seconds, and no longer.
            clock.advance(by: .milliseconds(4999))
            let cached = try await client.post("\(TestApp.base)/track", token: token, body: body).status
            clock.advance(by: .milliseconds(2))
            let after = try await client.post("\(TestApp.base)/track", token: token, body: body).status
            return [before, cached, after]
        }
        #expect(statuses == [.ok, .ok, .forbidden])
    }

    @Test func authIsCheckedBeforeTheBody() async throws {
        let app = try await TestApp()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/track", token: "wrong", body: "not json", contentType: "text/plain")
        }
        #expect(answer.status == .forbidden)
    }
}

/// A token store whose database is away.
struct AwayTokenStore: TokenStore {
    struct Away: Error {}

    func insert(_ token: TokenRecord) async throws { throw Away() }
    func token(id: String) async throws -> TokenRecord? { throw Away() }
    func list() async throws -> [TokenRecord] { throw Away() }
    func revoke(id: String, at time: Timestamp) async throws -> Bool { throw Away() }
}

@Suite struct TokenStoreAwayTests {
    @Test func aTokenThatCannotBeCheckedIsAnswered503NotAnError() async throws {
        var app = try await TestApp()
        let token = try await app.token()
        app.stores.tokens = AwayTokenStore()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/track", token: token, body: #"{"userId":"u","event":"e"}"#)
        }
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.code == "unavailable")
    }
}
