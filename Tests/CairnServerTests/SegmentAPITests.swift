import CairnCore
import CairnServer
import CairnTestFixtures
import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Segment's HTTP API on Cairn: what Segment's and RudderStack's clients send, answered as Segment answers.
@Suite struct SegmentAPITests {
    func app(_ configure: @escaping (inout AppConfiguration) -> Void = { _ in }) async throws -> (TestApp, String) {
        let app = try await TestApp {
            $0.processor.enabled = false
            configure(&$0)
        }
        return (app, try await app.token())
    }

    @Test func everyCallIsTakenWithTheKeyAsBasicAuthAndReachesTheProfile() async throws {
        let (app, key) = try await app()
        let answers = try await app.test { client in
            [
                try await client.compatPost(
                    "/v1/identify",
                    body: #"{"userId":"u1","anonymousId":"a1","traits":{"email":"u1@example.com"}}"#,
                    basicUser: key
                ),
                try await client.compatPost("/v1/track", body: #"{"userId":"u1","event":"Signed Up"}"#, basicUser: key),
                try await client.compatPost("/v1/page", body: #"{"userId":"u1","name":"Home"}"#, basicUser: key),
                try await client.compatPost("/v1/screen", body: #"{"anonymousId":"a1","name":"Feed"}"#, basicUser: key),
                try await client.compatPost(
                    "/v1/group",
                    body: #"{"userId":"u1","groupId":"acme","traits":{"name":"Acme"}}"#,
                    basicUser: key
                ),
                try await client.compatPost(
                    "/v1/alias",
                    body: #"{"userId":"u1","previousId":"old-u1"}"#,
                    basicUser: key
                ),
            ]
        }
        for answer in answers {
            #expect(answer.status == .ok)
            #expect(answer.json == ["success": true])
            #expect(answer.headers[RateLimitNames.policy] != nil)
        }
        #expect(try await app.processAll() == 6)
        let (meta, group, unknown) = try await app.test { client in
            (
                try await client.get("\(TestApp.base)/profiles/userId:u1/meta", token: key),
                try await client.get("\(TestApp.base)/groups/acme", token: key),
                try await client.get("\(TestApp.base)/groups/nobody", token: key)
            )
        }
        #expect(unknown.status == .notFound)
        #expect(unknown.code == "group_not_found")
        #expect(meta.json["groups"] == ["acme"])
        #expect(meta.json["anonymousIds"] == ["a1", "old-u1"])
        #expect(group.json["traits"] == ["name": "Acme"])
        let logged = try await app.loggedEvents()
        #expect(logged.map(\.entry.event.action).reversed() == [.identify, .track, .page, .screen, .group, .alias])
        #expect(logged.allSatisfy { $0.status == .processed })
    }

    @Test func theWriteKeyMayComeInTheBodyAndIsNotStored() async throws {
        let (app, key) = try await app()
        let (single, batch) = try await app.test { client in
            (
                try await client.compatPost("/v1/track", body: #"{"writeKey":"\#(key)","userId":"u","event":"e"}"#),
                try await client.compatPost(
                    "/v1/batch",
                    body: #"{"writeKey":"\#(key)","batch":[{"type":"track","userId":"u","event":"f"}]}"#
                )
            )
        }
        #expect(single.status == .ok)
        #expect(batch.status == .ok)
        for stored in try await app.loggedEvents() {
            #expect(!String(decoding: stored.entry.body, as: UTF8.self).contains(key))
        }
    }

    @Test func keysAreCheckedAndExplained() async throws {
        let (app, key) = try await app()
        let accountWide = try await app.token(brand: nil)
        let answers = try await app.test { client in
            [
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#),
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#, basicUser: key + "x"),
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#, basicUser: accountWide),
            ]
        }
        #expect(answers.map(\.status) == [.unauthorized, .unauthorized, .forbidden])
        #expect(answers.map(\.code) == ["missing_write_key", "invalid_write_key", "key_not_brand_scoped"])
        #expect(answers.allSatisfy { $0.json["success"] == false && $0.json["message"]?.stringValue != nil })
        #expect(try await app.loggedEvents().isEmpty)
    }

    @Test func gzipBodiesAreTakenAndBadOnesExplained() async throws {
        let (app, key) = try await app()
        let answers = try await app.test { client in
            [
                try await client.compatPost(
                    "/v1/batch",
                    body: #"{"batch":[{"type":"track","userId":"u","event":"zipped"}]}"#,
                    basicUser: key,
                    gzip: true
                ),
                try await client.compatPost(
                    "/v1/track",
                    body: "not gzip at all",
                    basicUser: key,
                    headers: [.contentEncoding: "gzip"]
                ),
                try await client.compatPost(
                    "/v1/track",
                    body: #"{"userId":"u","event":"e"}"#,
                    basicUser: key,
                    headers: [.contentEncoding: "br"]
                ),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .badRequest, .unsupportedMediaType])
        #expect(answers.map(\.code) == [nil, "invalid_compressed_body", "unsupported_content_encoding"])
        #expect(try await app.loggedEvents().map(\.entry.event.eventName) == ["zipped"])
    }

    @Test func segmentsLimitsAreKept() async throws {
        let (app, key) = try await app()
        let bigValue = String(repeating: "x", count: 33 * 1024)
        let item =
            #"{"type":"track","userId":"u","event":"e","properties":{"p":"\#(String(repeating: "y", count: 20_000))"}}"#
        let bigBatch = #"{"batch":[\#(Array(repeating: item, count: 30).joined(separator: ","))]}"#
        // Small on the wire, over the limit once unpacked.
        let bomb =
            #"{"batch":[{"type":"track","userId":"u","event":"e","properties":{"p":"\#(String(repeating: "z", count: 600_000))"}}]}"#
        let answers = try await app.test { client in
            [
                try await client.compatPost(
                    "/v1/track",
                    body: #"{"userId":"u","event":"e","properties":{"p":"\#(bigValue)"}}"#,
                    basicUser: key
                ),
                try await client.compatPost("/v1/batch", body: bigBatch, basicUser: key),
                try await client.compatPost("/v1/batch", body: bomb, basicUser: key, gzip: true),
                try await client.compatPost("/v1/track", body: #"{"userId":"u","#, basicUser: key),
            ]
        }
        #expect(answers.map(\.status) == [.badRequest, .badRequest, .badRequest, .badRequest])
        #expect(answers.map(\.code) == ["message_too_large", "request_too_large", "request_too_large", "invalid_json"])
        #expect(try await app.loggedEvents().isEmpty)
    }

    @Test func aBatchKeepsItsGoodMessagesAndNamesTheBadOnes() async throws {
        let (app, key) = try await app()
        let (mixed, allBad) = try await app.test { client in
            (
                try await client.compatPost(
                    "/v1/batch",
                    body: #"{"batch":[{"type":"track","userId":"u","event":"ok"},{"type":"track","userId":"u"}]}"#,
                    basicUser: key
                ),
                try await client.compatPost(
                    "/v1/import",
                    body: #"{"batch":[{"type":"alias","userId":"u"}]}"#,
                    basicUser: key
                )
            )
        }
        #expect(mixed.status == .ok)
        #expect(mixed.json["success"] == true)
        #expect(mixed.json["rejected"]?[0]?["index"] == 1)
        #expect(mixed.json["rejected"]?[0]?["code"] == "missing_event")
        #expect(allBad.status == .badRequest)
        #expect(allBad.code == "invalid_batch_items")
        #expect(allBad.json["errors"]?[0]?["code"] == "missing_previous_id")
        #expect(try await app.loggedEvents().map(\.entry.event.eventName) == ["ok"])
    }

    @Test func aMessageIdIsStoredOnceWithinTheWindow() async throws {
        let (app, key) = try await app()
        let other = try await app.token()
        try await app.test { client in
            for _ in 0..<2 {
                _ = try await client.compatPost(
                    "/v1/batch",
                    body: #"""
                        {"batch":[{"type":"track","userId":"u","event":"once","messageId":"m-1"},
                                  {"type":"track","userId":"u","event":"once","messageId":"m-1"}]}
                        """#,
                    basicUser: key
                )
                _ = try await client.compatPost(
                    "/v1/track",
                    body: #"{"userId":"u","event":"once","messageId":"m-1"}"#,
                    basicUser: key
                )
            }
            // Another write key's messageIds are its own.
            _ = try await client.compatPost(
                "/v1/track",
                body: #"{"userId":"u","event":"other key","messageId":"m-1"}"#,
                basicUser: other
            )
        }
        #expect(try await app.loggedEvents().map(\.entry.event.eventName) == ["other key", "once"])
    }

    @Test func aMessageIdIsNewAgainOnceTheWindowHasPassed() async throws {
        let (app, key) = try await app { $0.ingest.messageIdWindow = .seconds(300) }
        let clock = app.clock
        try await app.test { client in
            func send() async throws {
                _ = try await client.compatPost(
                    "/v1/track",
                    body: #"{"userId":"u","event":"e","messageId":"m"}"#,
                    basicUser: key
                )
            }
            try await send()
            clock.advance(by: .seconds(299))
            try await send()
            // Once the first use is older than the window, the id is new again.
            clock.advance(by: .seconds(2))
            try await send()
        }
        #expect(try await app.loggedEvents().count == 2)
    }

    @Test func aSkewedClockIsCorrectedFromSentAt() async throws {
        let (app, key) = try await app()
        // The device's clock runs an hour fast; the event happened 2 s before it was sent.
        let deviceNow = Timestamp(millisecondsSinceEpoch: app.clock.now().millisecondsSinceEpoch + 3_600_000)
        let happened = Timestamp(millisecondsSinceEpoch: deviceNow.millisecondsSinceEpoch - 2_000)
        try await app.test { client in
            _ = try await client.compatPost(
                "/v1/batch",
                body: #"""
                    {"sentAt":"\#(deviceNow.iso8601)",
                     "batch":[{"type":"track","userId":"u","event":"e","timestamp":"\#(happened.iso8601)"}]}
                    """#,
                basicUser: key
            )
        }
        let stored = try #require(try await app.loggedEvents().first)
        let expected = stored.entry.receivedAt.millisecondsSinceEpoch - 2_000
        #expect(stored.entry.event.eventTime.millisecondsSinceEpoch == expected)
        #expect(stored.entry.event.originalTimestamp == happened.iso8601)
    }

    @Test func oneRateLimitPerTokenAcrossSurfaces() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let key = try await app.token(rate: 0.01, burst: 2)
        let answers = try await app.test { client in
            [
                try await client.post("\(TestApp.base)/track", token: key, body: #"{"userId":"u","event":"e"}"#),
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#, basicUser: key),
                try await client.compatPost("/v1/track", body: #"{"userId":"u","event":"e"}"#, basicUser: key),
                try await client.compatPost("/v1/track/event?api_token=\(key)", body: SpecExamples.salesmachineEvent),
            ]
        }
        #expect(answers.map(\.status) == [.ok, .ok, .tooManyRequests, .tooManyRequests])
        #expect(answers[2].headers[.retryAfter] != nil)
        #expect(answers[3].json["status"] == "error")
    }
}

enum RateLimitNames {
    static let policy = HTTPField.Name("RateLimit-Policy")!
}
