import CairnTestFixtures
import Testing

@testable import CairnCore

@Suite struct EventValidatorTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func validate(_ action: EventAction, _ text: String) throws(EventRejection) -> ValidatedEvent {
        let body: JSONValue
        do { body = try JSONParser.parse(text) } catch { fatalError("test body is not JSON: \(error)") }
        return try EventValidator.validate(action: action, body: body, receivedAt: now)
    }

    func rejection(_ action: EventAction, _ text: String) -> EventRejection.Code? {
        do {
            _ = try validate(action, text)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func acceptsTheSpecIdentifyExample() throws {
        let event = try validate(.identify, SpecExamples.identify)
        #expect(event.action == .identify)
        #expect(event.userId == "ABC/123")
        #expect(event.originalTimestamp == "2019-11-18T13:30:11.444Z")
        #expect(event.eventTime == Timestamp(iso8601: "2019-11-18T13:30:11.444Z"))
        #expect(event.command == nil)
    }

    @Test func acceptsTheSpecTrackExample() throws {
        let event = try validate(.track, SpecExamples.productAdded)
        #expect(event.eventName == "Product Added")
        #expect(event.command == nil)
    }

    @Test func acceptsTheSpecPageExample() throws {
        let event = try validate(.page, SpecExamples.page)
        #expect(event.anonymousId == "14834fb6-e82e-47f9-a7e0-892c45064d89")
    }

    @Test func timestampDefaultsToTheReceiveTime() throws {
        let event = try validate(.track, #"{"userId":"u","event":"e"}"#)
        #expect(event.eventTime == now)
        #expect(event.originalTimestamp == nil)
        #expect(try validate(.track, #"{"userId":"u","event":"e","timestamp":null}"#).eventTime == now)
    }

    @Test func identifyRules() {
        #expect(rejection(.identify, #"{"traits":{}}"#) == .missingUserId)
        #expect(rejection(.identify, #"{"userId":"","traits":{}}"#) == .missingUserId)
        #expect(rejection(.identify, #"{"userId":"u"}"#) == .missingTraits)
        #expect(rejection(.identify, #"{"userId":"u","traits":null}"#) == .missingTraits)
        #expect(rejection(.identify, #"{"userId":"u","traits":[1]}"#) == .invalidFieldType)
        #expect(rejection(.identify, #"{"userId":"u","traits":{},"event":"track"}"#) == .eventMismatch)
        #expect(rejection(.identify, #"{"userId":"u","traits":{},"event":"IDENTIFY"}"#) == nil)
        #expect(rejection(.identify, #"{"userId":"u","traits":{}}"#) == nil)
    }

    @Test func trackRules() {
        #expect(rejection(.track, #"{"event":"e"}"#) == .missingUserId)
        #expect(rejection(.track, #"{"anonymousId":"a","event":"e"}"#) == .missingUserId)
        #expect(rejection(.track, #"{"userId":"u"}"#) == .missingEvent)
        #expect(rejection(.track, #"{"userId":"u","event":""}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":"u","event":7}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":"u","event":"e","properties":"x"}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":"u","event":"e","context":[]}"#) == .invalidFieldType)
        #expect(rejection(.track, #"{"userId":{"id":1},"event":"e"}"#) == .invalidFieldType)
    }

    @Test func numericUserIdsAreKeptAsWritten() throws {
        #expect(try validate(.track, #"{"userId":12345,"event":"e"}"#).userId == "12345")
    }

    @Test func pageAndScreenNeedAUserOrAnonymousId() {
        for action in [EventAction.page, .screen] {
            #expect(rejection(action, #"{"properties":{}}"#) == .missingIdentity)
            #expect(rejection(action, #"{"anonymousId":"a"}"#) == nil)
            #expect(rejection(action, #"{"userId":"u"}"#) == nil)
        }
        #expect(rejection(.page, #"{"userId":"u","event":"screen"}"#) == .eventMismatch)
        #expect(rejection(.screen, #"{"userId":"u","event":"screen"}"#) == nil)
    }

    @Test func pageNameBecomesTheEventName() throws {
        #expect(try validate(.page, #"{"userId":"u","name":"Home"}"#).eventName == "Home")
    }

    @Test func malformedTimestampsAreRejected() {
        #expect(rejection(.track, #"{"userId":"u","event":"e","timestamp":"yesterday"}"#) == .invalidTimestamp)
        #expect(rejection(.track, #"{"userId":"u","event":"e","timestamp":1574083811444}"#) == .invalidTimestamp)
        #expect(
            rejection(.track, #"{"userId":"u","event":"e","timestamp":"2019-02-30T00:00:00Z"}"#) == .invalidTimestamp
        )
    }

    @Test func bodyMustBeAnObject() {
        #expect(rejection(.track, "[1]") == .bodyNotObject)
        #expect(rejection(.track, "\"x\"") == .bodyNotObject)
    }

    @Test func everyRejectionHasASentence() {
        do {
            _ = try validate(.identify, #"{"userId":"u"}"#)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.message.hasSuffix("."))
            #expect(error.message.contains("traits"))
        }
    }
}

extension EventValidatorTests {
    @Test func idsAndNamesWithANulCharacterAreRefused() {
        #expect(rejection(.identify, #"{"userId":"a\u0000b","traits":{}}"#) == .invalidCharacter)
        #expect(rejection(.track, #"{"userId":"u","event":"Bought\u0000"}"#) == .invalidCharacter)
        #expect(rejection(.page, #"{"anonymousId":"\u0000","name":"Home"}"#) == .invalidCharacter)
        // Elsewhere in the body a NUL is only data, stored as sent.
        #expect(rejection(.track, #"{"userId":"u","event":"e","properties":{"note":"a\u0000b"}}"#) == nil)
    }
}
