import Testing

@testable import CairnCore

@Suite struct BatchValidatorTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func validate(_ text: String, maxItems: Int = 100) throws(BatchRejection) -> [IngestedEvent] {
        let body: JSONValue
        do { body = try JSONParser.parse(text) } catch { fatalError("test body is not JSON: \(error)") }
        return try BatchValidator.validate(body: body, receivedAt: now, maxItems: maxItems)
    }

    @Test func itemsNameTheirActionInTypeOrEvent() throws {
        let items = try validate(
            #"""
            {"batch":[
              {"type":"identify","userId":"u","traits":{}},
              {"event":"identify","userId":"u","traits":{}},
              {"type":"track","userId":"u","event":"Product Added"},
              {"userId":"u","event":"Signed Up"},
              {"event":"page","anonymousId":"a"},
              {"type":"SCREEN","userId":"u"}
            ]}
            """#
        )
        #expect(items.map(\.event.action) == [.identify, .identify, .track, .track, .page, .screen])
        #expect(items[3].event.eventName == "Signed Up")
    }

    @Test func outerContextIsMergedIntoEachItemBeneathItsOwn() throws {
        let items = try validate(
            #"""
            {"context":{"ip":"1.1.1.1","library":{"name":"x","version":"1"}},
             "batch":[
               {"type":"track","userId":"u","event":"A"},
               {"type":"track","userId":"u","event":"B","context":{"ip":"2.2.2.2","library":{"version":"2"}}}
             ]}
            """#
        )
        #expect(
            try JSONParser.parse(items[0].body)["context"] == [
                "ip": "1.1.1.1", "library": ["name": "x", "version": "1"],
            ]
        )
        #expect(
            try JSONParser.parse(items[1].body)["context"] == [
                "ip": "2.2.2.2", "library": ["name": "x", "version": "2"],
            ]
        )
        #expect(try JSONParser.parse(items[1].body)["event"] == "B")
    }

    @Test func aBatchIsRejectedWholeWithTheIndexOfEachBadItem() {
        do {
            _ = try validate(
                #"""
                {"batch":[
                  {"type":"track","userId":"u","event":"ok"},
                  {"type":"identify","userId":"u"},
                  {"type":"track","userId":"u","event":"ok"},
                  {"type":"track","event":"no user"},
                  {"type":"alias","userId":"u"},
                  {"userId":"u"},
                  7
                ]}
                """#
            )
            Issue.record("expected a rejection")
        } catch {
            #expect(error.rejection.code == .invalidBatchItems)
            #expect(error.items.map(\.index) == [1, 3, 4, 5, 6])
            #expect(
                error.items.map(\.rejection.code) == [
                    .missingTraits, .missingUserId, .unknownAction, .missingEvent, .bodyNotObject,
                ]
            )
        }
    }

    @Test func batchShapeRules() {
        func code(_ text: String, maxItems: Int = 100) -> EventRejection.Code? {
            do {
                _ = try validate(text, maxItems: maxItems)
                return nil
            } catch {
                return error.rejection.code
            }
        }
        #expect(code("[]") == .bodyNotObject)
        #expect(code("{}") == .missingBatch)
        #expect(code(#"{"batch":{}}"#) == .invalidFieldType)
        #expect(code(#"{"batch":[]}"#) == .emptyBatch)
        #expect(code(#"{"batch":[{"type":"page","userId":"u"}],"context":"x"}"#) == .invalidFieldType)
        #expect(
            code(#"{"batch":[{"type":"page","userId":"u"},{"type":"page","userId":"u"}]}"#, maxItems: 1)
                == .batchTooLarge
        )
        #expect(code(#"{"batch":[{"type":"batch","batch":[]}]}"#) == .invalidBatchItems)
    }

    @Test func commandsInsideABatchAreValidated() {
        do {
            _ = try validate(#"{"batch":[{"type":"track","userId":"u","event":"send_email"}]}"#)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.items.first?.rejection.code == .missingAssetId)
        }
    }
}
