import Testing

@testable import CairnCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2019-11-18T13:30:11.444Z", Int64(1_574_083_811_444)),
        ("2019-11-18T13:30:11Z", 1_574_083_811_000),
        ("2019-11-18T13:30Z", 1_574_083_800_000),
        ("2019-11-18T13:30:11.4Z", 1_574_083_811_400),
        ("2019-11-18T13:30:11.444999Z", 1_574_083_811_444),
        ("2019-11-18T14:30:11.444+01:00", 1_574_083_811_444),
        ("2019-11-18T08:00:11.444-0530", 1_574_083_811_444),
        ("2019-11-18T13:30:11.444", 1_574_083_811_444),
        ("2019-11-18 13:30:11.444Z", 1_574_083_811_444),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ])
    func parsesISO8601(_ text: String, _ millis: Int64) {
        #expect(Timestamp(iso8601: text)?.millisecondsSinceEpoch == millis)
    }

    @Test(arguments: [
        "", "2019-11-18", "2019-13-01T00:00:00Z", "2019-02-29T00:00:00Z", "2019-11-31T00:00:00Z",
        "2019-11-18T24:00:00Z", "2019-11-18T13:60:00Z", "2019-11-18T13:30:11.Z", "2019-11-18T13:30:11+25:00",
        "2019-11-18T13:30:11ZZ", "19-11-18T13:30:11Z", "yesterday", "2019-11-18T13:30:11.444Z ",
    ])
    func rejectsWhatIsNotADateTime(_ text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test(arguments: [Int64(0), 1_574_083_811_444, -1, 951_782_400_000, 4_102_444_799_999])
    func formatsAndParsesBack(_ millis: Int64) {
        let time = Timestamp(millisecondsSinceEpoch: millis)
        #expect(Timestamp(iso8601: time.iso8601) == time)
    }

    @Test func formatsWithMillisecondsInUTC() {
        #expect(Timestamp(millisecondsSinceEpoch: 1_574_083_811_444).iso8601 == "2019-11-18T13:30:11.444Z")
        #expect(Timestamp(millisecondsSinceEpoch: 5).iso8601 == "1970-01-01T00:00:00.005Z")
    }
}

@Suite struct EventIDTests {
    @Test func isAVersion7UUIDCarryingItsTime() {
        let time = Timestamp(millisecondsSinceEpoch: 1_574_083_811_444)
        let id = EventID.make(at: time)
        #expect(id.version == 7)
        #expect(id.timestamp == time)
        let text = id.description
        #expect(text.count == 36)
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
        #expect(text == text.lowercased())
    }

    @Test func roundTripsThroughText() {
        let id = EventID.make(at: SystemClock().now())
        #expect(EventID(id.description) == id)
        #expect(EventID(id.description.uppercased()) == id)
    }

    @Test func idsAreUnique() {
        let time = SystemClock().now()
        let ids = Set((0..<10_000).map { _ in EventID.make(at: time) })
        #expect(ids.count == 10_000)
    }

    @Test(arguments: [
        "", "7f7211bf94c84bfcafb28a319d045cd6", "7f7211bf-94c8-4bfc-afb2-8a319d045cdg", "{7f7211bf-94c8}",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(EventID(text) == nil)
    }

    @Test func readsTheSpecExampleId() {
        #expect(EventID("7f7211bf-94c8-4bfc-afb2-8a319d045cd6")?.description == "7f7211bf-94c8-4bfc-afb2-8a319d045cd6")
    }
}
