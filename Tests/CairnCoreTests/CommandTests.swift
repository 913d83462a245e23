import CairnTestFixtures
import Testing

@testable import CairnCore

@Suite struct CommandTests {
    func parse(_ event: String, _ body: JSONValue) throws(EventRejection) -> Command? {
        try Command.parse(eventName: event, body: body.objectValue ?? [:])
    }

    @Test(arguments: [
        ("send_email", Command.Channel.email), ("SEND_SMS", .sms), ("Send_Print", .print), ("send_PUSH", .push),
    ])
    func sendCommandsInAnyCase(_ name: String, _ channel: Command.Channel) throws {
        #expect(try parse(name, ["assetId": "A-1"]) == .send(channel: channel, assetId: "A-1"))
    }

    @Test func sendNeedsAnAssetId() {
        for body: JSONValue in [[:], ["assetId": ""], ["assetId": 5], ["properties": ["assetId": "A"]]] {
            #expect(throws: EventRejection.self) { try parse("send_email", body) }
        }
        do {
            _ = try parse("send_sms", [:])
        } catch {
            #expect(error.code == .missingAssetId)
        }
    }

    @Test func ordinaryEventsAreNotCommands() throws {
        #expect(try parse("Product Added", [:]) == nil)
        #expect(try parse("send_fax", [:]) == nil)
        #expect(try parse("send_email_later", [:]) == nil)
    }

    @Test func startJourneyReadsItsProperties() throws {
        let body: JSONValue = [
            "properties": [
                "journeyIdToTrigger": "6046429d73096e3b2dca973d",
                "stepIdToTrigger": "01C318B8-1F16-40B3-9808-709C5C1B44F6",
            ]
        ]
        #expect(
            try parse("START_JOURNEY", body)
                == .startJourney(journeyId: "6046429d73096e3b2dca973d", stepId: "01c318b8-1f16-40b3-9808-709c5c1b44f6")
        )
        #expect(
            try parse("start_journey", ["properties": ["journeyIdToTrigger": "j"]])
                == .startJourney(journeyId: "j", stepId: nil)
        )
    }

    @Test func startJourneyRules() {
        func code(_ body: JSONValue) -> EventRejection.Code? {
            do {
                _ = try parse("start_journey", body)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code([:]) == .missingJourneyId)
        #expect(code(["journeyIdToTrigger": "j"]) == .missingJourneyId)
        #expect(code(["properties": ["journeyIdToTrigger": ""]]) == .missingJourneyId)
        #expect(code(["properties": ["journeyIdToTrigger": "j", "stepIdToTrigger": "step-1"]]) == .invalidStepId)
        #expect(code(["properties": ["journeyIdToTrigger": "j", "stepIdToTrigger": 3]]) == .invalidStepId)
        #expect(code(["properties": ["journeyIdToTrigger": "j", "stepIdToTrigger": nil]]) == nil)
    }

    @Test func specCommandExamplesValidate() throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        let sms = try EventValidator.validate(
            action: .track,
            body: try JSONParser.parse(SpecExamples.sendSMS),
            receivedAt: now
        )
        #expect(sms.command == .send(channel: .sms, assetId: "202007-B-AbandonedBooking"))
        let journey = try EventValidator.validate(
            action: .track,
            body: try JSONParser.parse(SpecExamples.startJourney),
            receivedAt: now
        )
        #expect(
            journey.command
                == .startJourney(journeyId: "6046429d73096e3b2dca973d", stepId: "01c318b8-1f16-40b3-9808-709c5c1b44f6")
        )
        #expect(journey.eventTime == now)
    }
}
