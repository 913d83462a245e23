import CairnCore
import Testing

@Suite struct EventTimeRulesTests {
    let receivedAt = Timestamp(iso8601: "2026-11-23T12:00:00Z")!

    func trackCode(_ timestamp: String) -> String? {
        do throws(EventRejection) {
            _ = try EventValidator.validate(
                action: .identify,
                body: ["userId": "u", "traits": [:], "timestamp": .string(timestamp)],
                receivedAt: receivedAt
            )
            return nil
        } catch {
            return error.code.rawValue
        }
    }

    @Test func aTimeMoreThanADayAheadIsRefused() {
        #expect(trackCode("9999-12-31T23:59:59Z") == "timestamp_in_future")
        #expect(trackCode("2026-11-25T12:00:00Z") == "timestamp_in_future")
        #expect(trackCode("2026-11-24T11:59:00Z") == nil, "a clock a little ahead is fine")
        #expect(trackCode("1999-01-01T00:00:00Z") == nil)
    }

    @Test func aSkewCorrectedTimeIsHeldToFourDigitYearsAndNeverInTheFuture() throws {
        let past = try SegmentRules.validate(
            action: .track,
            message: [
                "userId": "u", "event": "e", "timestamp": "0000-01-01T00:00:00Z", "sentAt": "9999-12-31T00:00:00Z",
            ],
            bytes: [],
            receivedAt: receivedAt
        )
        #expect(past.event.eventTime == EventTimeRules.earliest)
        #expect(throws: EventRejection.self) {
            try SegmentRules.validate(
                action: .track,
                message: [
                    "userId": "u", "event": "e", "timestamp": "9999-12-31T00:00:00Z", "sentAt": "0000-01-01T00:00:00Z",
                ],
                bytes: [],
                receivedAt: receivedAt
            )
        }
        // A device clock two days fast is corrected, not refused.
        let fast = try SegmentRules.validate(
            action: .track,
            message: [
                "userId": "u", "event": "e", "timestamp": "2026-11-25T11:59:58Z", "sentAt": "2026-11-25T12:00:00Z",
            ],
            bytes: [],
            receivedAt: receivedAt
        )
        #expect(fast.event.eventTime == Timestamp(iso8601: "2026-11-23T11:59:58Z"))
    }

    @Test func rudderStacksOriginalTimestampIsTheEventsTime() throws {
        let message = try SegmentRules.validate(
            action: .track,
            message: ["userId": "u", "event": "e", "originalTimestamp": "2026-11-20T10:00:00Z"],
            bytes: [],
            receivedAt: receivedAt
        )
        #expect(message.event.eventTime == Timestamp(iso8601: "2026-11-20T10:00:00Z"))
        #expect(message.event.originalTimestamp == "2026-11-20T10:00:00Z")
    }
}
