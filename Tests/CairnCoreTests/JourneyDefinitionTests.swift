import CairnCore
import Testing

/// Issue 24: a journey definition is read and checked when saved; each refusal has a code, a
/// sentence and the step.
@Suite struct JourneyDefinitionTests {
    static func id(_ n: Int) -> String { "9d2f0c1e-0000-4000-8000-00000000000\(n)" }

    /// The issue's example.
    static let example: JSONValue = [
        "name": "Abandoned booking", "reentry": "after_exit", "exitOn": ["Booking Completed"],
        "entryStepId": .string(id(1)),
        "steps": [
            ["id": .string(id(1)), "type": "send", "assetId": "reminder-1", "next": .string(id(2))],
            ["id": .string(id(2)), "type": "wait", "duration": "PT2H", "next": .string(id(3))],
            [
                "id": .string(id(3)), "type": "split", "condition": ["trait": "tier", "equals": "gold"],
                "yes": .string(id(4)), "no": .string(id(5)),
            ],
            ["id": .string(id(4)), "type": "send", "assetId": "gold-offer", "next": .string(id(5))],
            ["id": .string(id(5)), "type": "exit"],
        ],
    ]

    static func rejection(_ json: JSONValue) -> JourneyRejection? {
        do throws(JourneyRejection) {
            _ = try JourneyDefinition(json: json)
            return nil
        } catch {
            return error
        }
    }

    static func with(steps: [JSONValue], entry: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["name": "J", "steps": .array(steps)]
        if let entry { fields["entryStepId"] = .string(entry) }
        return .object(fields)
    }

    @Test func theIssuesExampleReads() throws {
        let journey = try JourneyDefinition(json: Self.example)
        #expect(journey.name == "Abandoned booking")
        #expect(journey.reentry == .afterExit)
        #expect(journey.entryStepId == Self.id(1))
        #expect(journey.exits(on: "booking completed"))
        #expect(journey.assetIds == ["reminder-1", "gold-offer"])
        #expect(journey.step(Self.id(2))?.kind == .wait(.duration(JourneyDuration("PT2H")!), next: Self.id(3)))
    }

    @Test func durationsAreISO8601DaysHoursMinutesAndSeconds() {
        #expect(JourneyDuration("PT2H")?.milliseconds == 7_200_000)
        #expect(JourneyDuration("P1DT12H")?.milliseconds == 129_600_000)
        #expect(JourneyDuration("PT0.5S")?.milliseconds == 500)
        #expect(JourneyDuration("pt30m")?.milliseconds == 1_800_000)
        for bad in ["", "P", "PT", "2H", "P1M", "P1Y", "PT-1H", "P1H", "PT1D", "P400D", "PTH"] {
            #expect(JourneyDuration(bad) == nil, "\(bad)")
        }
    }

    @Test func everyRefusalNamesItsCodeAndStep() {
        let cases: [(JSONValue, String, String?)] = [
            ("[]", "invalid_journey", nil),
            (["name": "J", "steps": []], "no_steps", nil),
            (["name": "", "steps": [["id": .string(Self.id(1)), "type": "exit"]]], "invalid_name", nil),
            (["name": "J", "colour": "red", "steps": []], "unknown_field", nil),
            (Self.with(steps: [["id": "not-a-uuid", "type": "exit"]]), "invalid_step_id", nil),
            (
                Self.with(steps: [
                    ["id": .string(Self.id(1)), "type": "exit"], ["id": .string(Self.id(1)), "type": "exit"],
                ]),
                "duplicate_step_id", Self.id(1)
            ),
            (Self.with(steps: [["id": .string(Self.id(1)), "type": "jump"]]), "unknown_step_type", Self.id(1)),
            (
                Self.with(steps: [
                    ["id": .string(Self.id(1)), "type": "send", "assetId": "a", "next": .string(Self.id(9))]
                ]),
                "unknown_step", Self.id(1)
            ),
            (
                Self.with(steps: [
                    ["id": .string(Self.id(1)), "type": "exit"], ["id": .string(Self.id(2)), "type": "exit"],
                ]),
                "unreachable_step", Self.id(2)
            ),
            (
                Self.with(steps: [
                    ["id": .string(Self.id(1)), "type": "send", "assetId": "a", "next": .string(Self.id(2))],
                    [
                        "id": .string(Self.id(2)), "type": "split", "condition": ["consent": "email"],
                        "yes": .string(Self.id(1)), "no": .string(Self.id(3)),
                    ],
                    ["id": .string(Self.id(3)), "type": "exit"],
                ]),
                "loop_without_wait", Self.id(1)
            ),
            (
                Self.with(steps: [["id": .string(Self.id(1)), "type": "wait", "duration": "two hours"]]),
                "invalid_duration", Self.id(1)
            ),
            (
                Self.with(steps: [["id": .string(Self.id(1)), "type": "wait", "until": "9am"]]),
                "invalid_duration", Self.id(1)
            ),
            (
                Self.with(steps: [
                    ["id": .string(Self.id(1)), "type": "split", "condition": ["trait": "tier", "looksLike": "gold"]]
                ]),
                "invalid_condition", Self.id(1)
            ),
            (Self.with(steps: [["id": .string(Self.id(1)), "type": "send"]]), "missing_field", Self.id(1)),
            (
                Self.with(steps: [["id": .string(Self.id(1)), "type": "exit"]], entry: Self.id(7)),
                "unknown_step", Self.id(7)
            ),
        ]
        for (json, code, stepId) in cases {
            let rejection = Self.rejection(json)
            #expect(rejection?.code == code, "\(json)")
            #expect(rejection?.stepId == stepId, "\(json)")
            #expect(rejection?.message.isEmpty == false)
        }
    }

    @Test func aLoopThroughAWaitIsAllowed() throws {
        let journey = try JourneyDefinition(
            json: Self.with(steps: [
                ["id": .string(Self.id(1)), "type": "send", "assetId": "a", "next": .string(Self.id(2))],
                ["id": .string(Self.id(2)), "type": "wait", "duration": "P1D", "next": .string(Self.id(1))],
            ])
        )
        #expect(journey.steps.count == 2)
    }
}
