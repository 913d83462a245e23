import Testing

@testable import CairnCore

@Suite struct TraitMergeTests {
    func at(_ millis: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: millis) }

    func merge(_ steps: [(JSONValue, Int64)]) -> [String: JSONValue] {
        var traits: [String: JSONValue] = [:]
        var times: [String: JSONValue] = [:]
        for (incoming, time) in steps {
            (traits, times) = TraitMerge.apply(incoming.objectValue ?? [:], at: at(time), to: traits, times: times)
        }
        return traits
    }

    @Test func objectsMergeKeyByKeyAndScalarsAndArraysReplace() {
        let traits = merge([
            (["name": "Fred", "address": ["city": "Chester", "postalCode": "CH1"], "tags": ["a", "b"]], 1),
            (["address": ["city": "Leeds"], "tags": ["c"], "email": "f@example.com"], 2),
        ])
        #expect(
            JSONValue.object(traits)
                == [
                    "name": "Fred", "address": ["city": "Leeds", "postalCode": "CH1"], "tags": ["c"],
                    "email": "f@example.com",
                ]
        )
    }

    @Test func anExplicitNullRemovesTheKey() {
        let traits = merge([
            (["phone": "+44", "address": ["city": "Chester", "line": "1"]], 1),
            (["phone": nil, "address": ["line": nil]], 2),
        ])
        #expect(JSONValue.object(traits) == ["address": ["city": "Chester"]])
    }

    @Test func theNewestTimestampWinsWhenEventsArriveOutOfOrder() {
        let traits = merge([
            (["email": "new@example.com", "address": ["city": "Leeds"]], 20),
            (
                [
                    "email": "old@example.com", "firstName": "Fred",
                    "address": ["city": "Chester", "postalCode": "CH1"],
                ], 10
            ),
        ])
        #expect(
            JSONValue.object(traits)
                == [
                    "email": "new@example.com", "firstName": "Fred", "address": ["city": "Leeds", "postalCode": "CH1"],
                ]
        )
    }

    @Test func aLateOlderEventCannotReviveARemovedKey() {
        let traits = merge([(["phone": "+44"], 5), (["phone": nil], 20), (["phone": "+33"], 10)])
        #expect(traits["phone"] == nil)
    }

    @Test func anOlderScalarCannotReplaceANewerObject() {
        let traits = merge([(["address": ["city": "Leeds"]], 20), (["address": "somewhere"], 10)])
        #expect(traits["address"] == ["city": "Leeds"])
        let replaced = merge([(["address": ["city": "Leeds"]], 10), (["address": "somewhere"], 20)])
        #expect(replaced["address"] == "somewhere")
    }

    @Test func equalTimestampsApplyInArrivalOrder() {
        #expect(merge([(["a": 1], 7), (["a": 2], 7)])["a"] == 2)
    }
}

@Suite struct ConsentRulesTests {
    let traits: [String: JSONValue] = [
        "marketingPreferences": [
            "channels": [
                ["channel": "email", "subscribed": true], ["channel": "SMS", "subscribed": false],
                ["channel": "push"], ["subscribed": true],
            ]
        ]
    ]

    @Test func readsChannelStatements() {
        #expect(ConsentRules.statements(in: traits) == ["email": true, "sms": false])
        #expect(ConsentRules.statements(in: ["email": "x"]).isEmpty)
    }

    @Test func consentIsOptIn() {
        #expect(!ConsentRules.isSubscribed([:], channel: "email"))
        let consent = ConsentRules.apply(["sms": false], at: Timestamp(millisecondsSinceEpoch: 1), to: [:])
        #expect(!ConsentRules.isSubscribed(consent, channel: "sms"))
    }

    @Test func recordsWhenEachChannelChangedAndIgnoresOlderStatements() {
        func at(_ millis: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: millis) }
        var consent = ConsentRules.apply(["email": true], at: at(10), to: [:])
        consent = ConsentRules.apply(["email": true], at: at(20), to: consent)
        #expect(consent["email"] == ChannelConsent(subscribed: true, changedAt: at(10), statedAt: at(20)))
        consent = ConsentRules.apply(["email": false], at: at(30), to: consent)
        #expect(consent["email"] == ChannelConsent(subscribed: false, changedAt: at(30), statedAt: at(30)))
        consent = ConsentRules.apply(["email": true], at: at(25), to: consent)
        #expect(consent["email"]?.subscribed == false)
        #expect(
            ConsentRules.isSubscribed(ConsentRules.apply(["email": true], at: at(40), to: consent), channel: "EMAIL")
        )
    }
}
