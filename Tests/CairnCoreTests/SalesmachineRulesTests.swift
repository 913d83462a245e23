import CairnTestFixtures
import Testing

@testable import CairnCore

@Suite struct SalesmachineRulesTests {
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func parse(_ text: String) -> JSONValue {
        do { return try JSONParser.parse(text) } catch { fatalError("test body is not JSON: \(error)") }
    }

    func translate(
        _ method: SalesmachineRules.Method,
        _ text: String
    ) throws(EventRejection) -> (
        IngestedEvent, JSONValue
    ) {
        let message = try SalesmachineRules.validate(method: method, body: parse(text), receivedAt: now)
        return (message, parse(String(decoding: message.body, as: UTF8.self)))
    }

    @Test func theSpecEventIsATrackCallOfTheContact() throws {
        let (message, body) = try translate(.event, SpecExamples.salesmachineEvent)
        #expect(message.event.action == .track)
        #expect(message.event.userId == "123456")
        #expect(message.event.eventName == "user_registration")
        #expect(body["properties"]?["account_uid"] == "78910")
        #expect(body["properties"]?["display_name"] == "Registration")
        #expect(body["context"]?["library"]?["name"] == "salesmachine")
    }

    @Test func theSpecPageviewIsAPageViewOfItsURL() throws {
        let (message, body) = try translate(.event, SpecExamples.salesmachinePageview)
        #expect(message.event.action == .page)
        #expect(message.event.userId == "123456")
        #expect(body["properties"]?["url"] == "http://myproduct.com/onboarding")
        #expect(body["properties"]?["visit_url"] == "http://myproduct.com/onboarding")
    }

    @Test func aContactIsAnIdentifyAndAnAccountAGroup() throws {
        let (contact, contactBody) = try translate(
            .contact,
            #"{"contact_uid":"c1","params":{"email":"c1@example.com","name":"Ann"}}"#
        )
        #expect(contact.event.action == .identify)
        #expect(contact.event.userId == "c1")
        #expect(contactBody["traits"]?["email"] == "c1@example.com")
        let (account, accountBody) = try translate(.account, #"{"account_uid":"78910","params":{"name":"Acme"}}"#)
        #expect(account.event.action == .group)
        #expect(account.event.groupId == "78910")
        #expect(account.event.userId == nil)
        #expect(accountBody["traits"]?["name"] == "Acme")
    }

    @Test func theRubyClientsFieldsAreReadToo() throws {
        let (message, _) = try translate(
            .event,
            #"{"contact_uid":7,"event":"paid","created_at":"2023-11-14T22:13:20Z","messageId":"m-1"}"#
        )
        #expect(message.event.eventName == "paid")
        #expect(message.event.userId == "7")
        #expect(message.event.eventTime == Timestamp(iso8601: "2023-11-14T22:13:20Z"))
        #expect(message.messageId == "m-1")
    }

    @Test func missingIdsAreRefusedInSalesmachineTerms() {
        func code(_ method: SalesmachineRules.Method, _ text: String) -> EventRejection.Code? {
            do {
                _ = try translate(method, text)
                return nil
            } catch { return error.code }
        }
        #expect(code(.event, #"{"event_uid":"x"}"#) == .missingContactUid)
        #expect(code(.event, #"{"contact_uid":"c"}"#) == .missingEventUid)
        #expect(code(.contact, #"{"params":{}}"#) == .missingContactUid)
        #expect(code(.account, #"{"params":{}}"#) == .missingAccountUid)
        #expect(code(.contact, #"{"contact_uid":"c","params":[1]}"#) == .invalidFieldType)
        #expect(code(.contact, #"[]"#) == .bodyNotObject)
    }

    @Test func aBatchIsAnArrayOfMethodsRefusedWholeIfAnyIsWrong() throws {
        let calls = try SalesmachineRules.validateBatch(
            body: parse(
                #"""
                [{"method":"contact","contact_uid":"c1","params":{"name":"Ann"}},
                 {"method":"account","account_uid":"a1","params":{"name":"Acme"}},
                 {"method":"event","contact_uid":"c1","event_uid":"login","params":{}},
                 {"method":"pageview","contact_uid":"c1","params":{"visit_url":"http://x/y"}}]
                """#
            ),
            receivedAt: now
        )
        #expect(calls.map(\.event.action) == [.identify, .group, .track, .page])
        do {
            _ = try SalesmachineRules.validateBatch(
                body: parse(#"[{"method":"contact","contact_uid":"c1"},{"method":"email"},{"contact_uid":"x"}]"#),
                receivedAt: now
            )
            Issue.record("a batch with bad calls was taken")
        } catch {
            #expect(error.items.map(\.index) == [1, 2])
            #expect(error.items.map(\.rejection.code) == [.unknownMethod, .unknownMethod])
        }
    }
}
