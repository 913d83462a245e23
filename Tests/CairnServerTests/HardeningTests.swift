import CairnCore
import CairnServer
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Answers to what a newcomer or an attacker sends that the APIs were not made for.
@Suite struct HardeningTests {
    @Test func unknownRoutesAndWrongMethodsAnswerJSON() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answers = try await app.test { client in
            [
                try await client.get("/nowhere", token: nil),
                try await client.get("\(TestApp.base)/track", token: token),
                try await client.execute(uri: "/ready", method: .options) { Answer(response: $0) },
                try await client.execute(uri: "/health", method: .delete) { Answer(response: $0) },
            ]
        }
        #expect(answers.map(\.status) == [.notFound, .methodNotAllowed, .methodNotAllowed, .methodNotAllowed])
        #expect(
            answers.map(\.code) == [
                "route_not_found", "method_not_allowed", "method_not_allowed", "method_not_allowed",
            ]
        )
        #expect(answers[0].json["success"] == false)
        #expect(answers[1].headers[.allow] == "POST")
        #expect(answers[3].headers[.allow] == "GET, HEAD")
    }

    /// `events` is a literal beside the Track API's `:action`: a POST there never reaches `:action`,
    /// so the `Allow` it is told must not offer POST.
    @Test func aWrongMethodOnALiteralBesideAParameterIsToldOnlyTheLiteralsMethods() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/events", token: token, body: "{}")
        }
        #expect(answer.status == .methodNotAllowed)
        #expect(answer.headers[.allow] == "GET, HEAD")
    }

    @Test(arguments: [
        [UInt8](#"{"userId":"x"#.utf8) + [0xFF, 0xFE] + [UInt8](#"","event":"e"}"#.utf8),
        [UInt8](#"{"userId":"x"#.utf8) + [0xC0, 0xAF] + [UInt8](#"","event":"e"}"#.utf8),
        [UInt8](#"{"userId":"x\ud800","event":"e"}"#.utf8),
        [UInt8](#"{"userId":"u","event":"e\udc00"}"#.utf8),
    ])
    func idsAndNamesThatAreNotValidTextAreRefused(_ body: [UInt8]) async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let answer = try await app.test { client in
            try await client.execute(
                uri: "\(TestApp.base)/track",
                method: .post,
                headers: [.contentType: "application/json", .authToken: token],
                body: ByteBuffer(bytes: body)
            ) { Answer(response: $0) }
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_character")
    }

    @Test func theEventsAPIReadsPlusAsASpaceAndRefusesParametersItDoesNotTake() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let (matched, unknown) = try await app.test { client in
            _ = try await client.post(
                "\(TestApp.base)/track",
                token: token,
                body: #"{"userId":"u","event":"Product Added"}"#
            )
            return (
                try await client.get("\(TestApp.base)/events?event=Product+Added", token: token),
                try await client.get("\(TestApp.base)/events?anonymousId=a", token: token)
            )
        }
        #expect(matched.json["events"]?.arrayValue?.count == 1)
        #expect(unknown.status == .badRequest)
        #expect(unknown.code == "unknown_parameter")
    }

    @Test func analyticsJSFromAnotherOriginIsAnswered() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let key = try await app.token()
        let (preflight, posted, batched) = try await app.test { client in
            (
                try await client.execute(
                    uri: "/v1/t",
                    method: .options,
                    headers: [
                        .origin: "https://shop.example", .accessControlRequestMethod: "POST",
                        .accessControlRequestHeaders: "content-type",
                    ]
                ) { Answer(response: $0) },
                try await client.execute(
                    uri: "/v1/t",
                    method: .post,
                    headers: [.contentType: "text/plain", .origin: "https://shop.example"],
                    body: ByteBuffer(string: #"{"writeKey":"\#(key)","userId":"u","event":"Viewed","type":"track"}"#)
                ) { Answer(response: $0) },
                try await client.execute(
                    uri: "/v1/b",
                    method: .post,
                    headers: [.contentType: "text/plain"],
                    body: ByteBuffer(string: #"{"writeKey":"\#(key)","batch":[{"type":"page","anonymousId":"a"}]}"#)
                ) { Answer(response: $0) }
            )
        }
        #expect(preflight.status == .noContent)
        #expect(preflight.headers[.accessControlAllowOrigin] == "*")
        #expect(preflight.headers[.accessControlAllowHeaders] == "content-type")
        #expect(posted.status == .ok)
        #expect(posted.headers[.accessControlAllowOrigin] == "*")
        #expect(batched.status == .ok)
        #expect(try await app.loggedEvents().map(\.entry.event.action) == [.page, .track])
    }

    @Test func idsAndNamesHaveALengthAndIdsMayNotBeBlank() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let long = String(repeating: "x", count: 1025)
        let answers = try await app.test { client in
            [
                try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"\#(long)","event":"e"}"#
                ),
                try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"u","event":"\#(long)"}"#
                ),
                try await client.post("\(TestApp.base)/track", token: token, body: #"{"userId":"   ","event":"e"}"#),
                try await client.compatPost("/v1/track", body: #"{"anonymousId":" ","event":"e"}"#, basicUser: token),
                try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"\#(long.dropLast())","event":"e"}"#
                ),
            ]
        }
        #expect(answers.map(\.code) == ["value_too_long", "value_too_long", "blank_id", "blank_id", nil])
    }

    @Test func aTimestampYearsAheadIsRefusedOnSingleCallsAndPerItemInSegmentBatches() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let (single, batch) = try await app.test { client in
            (
                try await client.post(
                    "\(TestApp.base)/identify",
                    token: token,
                    body: #"{"userId":"fut","traits":{"plan":"evil"},"timestamp":"9999-12-31T23:59:59Z"}"#
                ),
                try await client.compatPost(
                    "/v1/batch",
                    body:
                        #"{"batch":[{"type":"track","userId":"u","event":"ok"},{"type":"track","userId":"u","event":"no","timestamp":"9999-01-01T00:00:00Z"}]}"#,
                    basicUser: token
                )
            )
        }
        #expect(single.status == .badRequest)
        #expect(single.code == "timestamp_in_future")
        #expect(batch.json["rejected"]?[0]?["code"] == "timestamp_in_future")
        #expect(try await app.loggedEvents().map(\.entry.event.eventName) == ["ok"])
    }

    @Test func aPageOfLargeEventsIsCutByBytesAndSaysWhereTheNextStarts() async throws {
        let app = try await TestApp { $0.processor.enabled = false }
        let token = try await app.token()
        let padding = String(repeating: "x", count: 2_500_000)
        let (first, second) = try await app.test { client in
            for index in 0..<3 {
                _ = try await client.post(
                    "\(TestApp.base)/track",
                    token: token,
                    body: #"{"userId":"big","event":"e\#(index)","properties":{"p":"\#(padding)"}}"#
                )
            }
            try await app.processAll()
            return (
                try await client.get("\(TestApp.base)/profiles/userId:big/events?size=10", token: token),
                try await client.get("\(TestApp.base)/profiles/userId:big/events?size=10&from=2", token: token)
            )
        }
        // 2.5 MB each: the second starts within the page's 4 MB, the third does not.
        #expect(first.json["events"]?.arrayValue?.count == 2)
        #expect(first.json["nextFrom"] == 2)
        #expect(second.json["events"]?.arrayValue?.count == 1)
        #expect(second.json["nextFrom"] == 3)
    }

    @Test func headIsAnsweredWhereGetIsAndWithoutABody() async throws {
        let app = try await TestApp()
        let (health, nowhere) = try await app.test { client in
            (
                try await client.execute(uri: "/health", method: .head) { $0 },
                try await client.execute(uri: "/nowhere", method: .head) { $0 }
            )
        }
        #expect(health.status == .ok)
        #expect(nowhere.status == .notFound)
        #expect(nowhere.body.readableBytes == 0)
    }

    @Test func refusalsOnSegmentRoutesAreReadableByAPageToo() async throws {
        let app = try await TestApp()
        let answer = try await app.test { client in
            try await client.execute(
                uri: "/v1/t",
                method: .post,
                headers: [.contentType: "text/plain", .origin: "https://shop.example"],
                body: ByteBuffer(string: #"{"writeKey":"cairn_nope","userId":"u","event":"e"}"#)
            ) { Answer(response: $0) }
        }
        #expect(answer.status == .unauthorized)
        #expect(answer.headers[.accessControlAllowOrigin] == "*")
    }
}
