import CairnCore
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CairnServer

@Suite struct ErrorMiddlewareTests {
    struct Broken: Error {}

    @Test func unexpectedErrorsBecomeAJSON500ThatLeaksNothing() async throws {
        let router = Router(context: CairnRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.get("broken") { _, _ -> String in throw Broken() }
        router.get("refused") { _, _ -> String in throw APIError(.badRequest, code: "x", message: "y") }
        let app = Application(router: router)
        let answers = try await app.test(.router) { client in
            [
                try await client.get("/broken", token: nil),
                try await client.get("/refused", token: nil),
            ]
        }
        #expect(answers[0].status == .internalServerError)
        #expect(answers[0].code == "internal_error")
        #expect(answers[0].json["message"]?.stringValue?.contains("Broken") == false)
        #expect(answers[1].status == .badRequest)
        #expect(answers[1].code == "x")
    }
}
