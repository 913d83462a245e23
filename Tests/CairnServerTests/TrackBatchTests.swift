import CairnCore
import CairnStorage
import HTTPTypes
import Testing

@Suite struct TrackBatchTests {
    @Test func aBatchIsStoredWithIdsInOrderAndTheOuterContextMerged() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let body = #"""
            {"context":{"ip":"24.5.68.47"},
             "batch":[
               {"type":"identify","userId":"ABC/123","traits":{"email":"email@example.com"}},
               {"event":"Product Added","userId":"ABC/123","properties":{"price":"£11.99"}},
               {"event":"page","anonymousId":"a-1","context":{"ip":"10.0.0.1"}},
               {"type":"track","event":"SEND_EMAIL","userId":"ABC/123","assetId":"welcome"}
             ]}
            """#
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/batch", token: token, body: body)
        }
        #expect(answer.status == .ok)
        let ids = try #require(answer.json["eventIds"]?.arrayValue).compactMap { $0.stringValue.flatMap(EventID.init) }
        #expect(ids.count == 4)
        var stored: [StoredEventSummary] = []
        for id in ids {
            let event = try #require(try await app.stores.eventLog.event(id: id, tenant: TestApp.tenant))
            let body = try JSONParser.parse(event.entry.body)
            stored.append(
                .init(action: event.entry.event.action, name: event.entry.event.eventName, ip: body["context"]?["ip"])
            )
        }
        #expect(
            stored == [
                .init(action: .identify, name: nil, ip: "24.5.68.47"),
                .init(action: .track, name: "Product Added", ip: "24.5.68.47"),
                .init(action: .page, name: nil, ip: "10.0.0.1"),
                .init(action: .track, name: "SEND_EMAIL", ip: "24.5.68.47"),
            ]
        )
    }

    struct StoredEventSummary: Equatable {
        var action: EventAction
        var name: String?
        var ip: JSONValue?
    }

    @Test func aBadItemRefusesTheWholeBatchAndNamesEachBadIndex() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let body = #"""
            {"batch":[
              {"type":"track","userId":"u","event":"fine"},
              {"type":"identify","userId":"u"},
              {"type":"track","userId":"u","event":"send_sms"}
            ]}
            """#
        let answer = try await app.test { client in
            try await client.post("\(TestApp.base)/batch", token: token, body: body)
        }
        #expect(answer.status == .badRequest)
        #expect(answer.code == "invalid_batch_items")
        let errors = try #require(answer.json["errors"]?.arrayValue)
        #expect(errors.map { $0["index"] } == [1, 2])
        #expect(errors.map { $0["code"] } == ["missing_traits", "missing_asset_id"])
    }

    @Test func anEmptyOrMissingBatchIsRefused() async throws {
        let app = try await TestApp()
        let token = try await app.token()
        let codes = try await app.test { client in
            [
                try await client.post("\(TestApp.base)/batch", token: token, body: #"{"batch":[]}"#).code,
                try await client.post("\(TestApp.base)/batch", token: token, body: #"{"events":[]}"#).code,
            ]
        }
        #expect(codes == ["empty_batch", "missing_batch"])
    }
}
