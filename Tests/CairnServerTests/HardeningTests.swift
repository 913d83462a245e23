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
                try await client.execute(uri: "/v1/track", method: .options) { Answer(response: $0) },
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
        #expect(answers[3].headers[.allow] == "GET")
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
}
