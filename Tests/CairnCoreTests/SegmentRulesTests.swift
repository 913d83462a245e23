import Testing

@testable import CairnCore

@Suite struct SegmentRulesTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func message(_ action: EventAction, _ text: String) throws(EventRejection) -> IngestedEvent {
        let json = parse(text)
        return try SegmentRules.validate(action: action, message: json, bytes: json.encoded(), receivedAt: now)
    }

    func rejection(_ action: EventAction, _ text: String) -> EventRejection.Code? {
        do {
            _ = try message(action, text)
            return nil
        } catch {
            return error.code
        }
    }

    func parse(_ text: String) -> JSONValue {
        do { return try JSONParser.parse(text) } catch { fatalError("test body is not JSON: \(error)") }
    }

    @Test func anyCallMayNameThePersonByAnonymousIdAlone() throws {
        let identify = try message(.identify, #"{"anonymousId":"a1","traits":{"plan":"free"},"messageId":"m1"}"#)
        #expect(identify.event.action == .identify)
        #expect(identify.event.anonymousId == "a1")
        #expect(identify.messageId == "m1")
        let track = try message(.track, #"{"anonymousId":"a1","event":"Clicked"}"#)
        #expect(track.event.eventName == "Clicked")
        #expect(rejection(.page, #"{"name":"Home"}"#) == .missingIdentity)
        #expect(rejection(.identify, #"{"traits":{}}"#) == .missingIdentity)
    }

    @Test func eachCallHasItsOwnRequiredFields() {
        #expect(rejection(.track, #"{"userId":"u"}"#) == .missingEvent)
        #expect(rejection(.track, #"{"userId":"u","event":""}"#) == .invalidFieldType)
        #expect(rejection(.group, #"{"userId":"u"}"#) == .missingGroupId)
        #expect(rejection(.alias, #"{"previousId":"a"}"#) == .missingUserId)
        #expect(rejection(.alias, #"{"userId":"u"}"#) == .missingPreviousId)
        #expect(rejection(.identify, #"{"userId":"u","traits":[]}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":"u","event":"x","properties":"p"}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":"u","event":"x","timestamp":"yesterday"}"#) == .invalidTimestamp)
        #expect(rejection(.track, #"{"userId":"u","event":"x","sentAt":"later"}"#) == .invalidTimestamp)
    }

    @Test func groupAndAliasCarryTheirIds() throws {
        let group = try message(.group, #"{"userId":"u","groupId":42,"traits":{"name":"Acme"}}"#)
        #expect(group.event.groupId == "42")
        let alias = try message(.alias, #"{"userId":"u","previousId":"anon-9"}"#)
        #expect(alias.event.previousId == "anon-9")
        #expect(alias.event.anonymousId == nil)
    }

    @Test func aCommandSentThroughSegmentIsReadAsOne() throws {
        let sms = try message(.track, #"{"userId":"u","event":"send_sms","assetId":"welcome"}"#)
        #expect(sms.event.command == .send(channel: .sms, assetId: "welcome"))
        #expect(rejection(.track, #"{"userId":"u","event":"send_sms"}"#) == .missingAssetId)
    }

    @Test func aMessageOver32KBIsRefused() {
        let padding = String(repeating: "x", count: 32 * 1024)
        #expect(
            rejection(.track, #"{"userId":"u","event":"big","properties":{"p":"\#(padding)"}}"#) == .messageTooLarge
        )
    }

    @Test func theTimestampIsCorrectedForTheClientsClock() throws {
        // The device clock is 1 hour fast: it stamped the event 2 s before sending.
        let skewed = try message(
            .track,
            #"{"userId":"u","event":"e","timestamp":"2023-11-14T23:13:18.000Z","sentAt":"2023-11-14T23:13:20.000Z"}"#
        )
        #expect(skewed.event.eventTime.millisecondsSinceEpoch == now.millisecondsSinceEpoch - 2000)
        #expect(skewed.event.originalTimestamp == "2023-11-14T23:13:18.000Z")
        // Without sentAt the client's timestamp stands; without a timestamp the receive time does.
        let plain = try message(.track, #"{"userId":"u","event":"e","timestamp":"2019-11-18T13:30:11.444Z"}"#)
        #expect(plain.event.eventTime == Timestamp(iso8601: "2019-11-18T13:30:11.444Z"))
        let bare = try message(.track, #"{"userId":"u","event":"e"}"#)
        #expect(bare.event.eventTime == now)
    }

    @Test func clockSkewArithmetic() {
        let corrected = ClockSkew.corrected(
            timestamp: Timestamp(millisecondsSinceEpoch: 10_000),
            sentAt: Timestamp(millisecondsSinceEpoch: 10_500),
            receivedAt: Timestamp(millisecondsSinceEpoch: 3_000)
        )
        #expect(corrected.millisecondsSinceEpoch == 2_500)
    }

    @Test func aBatchTakesTheGoodMessagesAndReportsTheRest() throws {
        let body = parse(
            #"""
            {"batch":[
              {"type":"identify","userId":"u","traits":{"a":1},"timestamp":"2023-11-14T22:13:18.000Z"},
              {"type":"track","userId":"u"},
              {"type":"party","userId":"u"},
              {"type":"page","anonymousId":"a","context":{"ip":"1.2.3.4"}}
            ],
            "context":{"ip":"9.9.9.9","library":{"name":"analytics-python"}},
            "sentAt":"2023-11-14T22:13:20.000Z",
            "writeKey":"secret"}
            """#
        )
        let batch = try SegmentBatchRules.validate(body: body, receivedAt: now)
        #expect(batch.accepted.map(\.event.action) == [.identify, .page])
        #expect(batch.rejected.map(\.index) == [1, 2])
        #expect(batch.rejected.map(\.rejection.code) == [.missingEvent, .unknownAction])
        // The batch's sentAt corrects items that have none of their own.
        #expect(batch.accepted[0].event.eventTime.millisecondsSinceEpoch == now.millisecondsSinceEpoch - 2000)
        // The batch's context lies beneath each item's own; the write key is not copied into items.
        let page = try JSONParser.parse(batch.accepted[1].body)
        #expect(page["context"]?["ip"] == "1.2.3.4")
        #expect(page["context"]?["library"]?["name"] == "analytics-python")
        #expect(page["writeKey"] == nil)
    }

    @Test func aBatchWithNothingValidIsRefusedWhole() {
        #expect(throws: BatchRejection.self) {
            try SegmentBatchRules.validate(body: parse(#"{"batch":[{"type":"track"}]}"#), receivedAt: now)
        }
        for text in [#"{"batch":[]}"#, #"{"nobatch":1}"#, #"[1]"#, #"{"batch":{}}"#] {
            #expect(throws: BatchRejection.self) {
                try SegmentBatchRules.validate(body: parse(text), receivedAt: now)
            }
        }
    }
}

extension SegmentRulesTests {
    @Test func segmentIdsWithANulCharacterAreRefused() {
        #expect(rejection(.group, #"{"userId":"u","groupId":"g\u0000"}"#) == .invalidCharacter)
        #expect(rejection(.alias, #"{"userId":"u","previousId":"\u0000p"}"#) == .invalidCharacter)
        #expect(rejection(.track, #"{"userId":"u","event":"e","messageId":"m\u0000"}"#) == .invalidCharacter)
    }
}
