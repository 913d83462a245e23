import CairnCore

/// The export an `access` regulation makes: everything Cairn holds about the customers its
/// subject names (profile, ids, consent, groups, and what each store exported: events,
/// messages), as one JSON document.
enum RegulationExport {
    struct Made {
        var bytes: [UInt8]
        /// How many entries of each kind it holds.
        var counts: [PersonalData: Int]
    }

    /// `exported` holds what each store exported, by customer id; stores of the same kind add
    /// to one list.
    static func make(
        _ regulation: Regulation,
        customers: [CustomerProfile],
        exported: [(kind: PersonalData, entries: [String: [JSONValue]])],
        at time: Timestamp
    ) -> Made {
        var items: [JSONValue] = []
        for customer in customers {
            var item: [String: JSONValue] = [
                "customerId": .string(customer.customerId),
                "userId": customer.userId.map(JSONValue.string) ?? .null,
                "anonymousIds": .array(customer.anonymousIds.sorted().map(JSONValue.string)),
                "traits": .object(customer.traits),
                "consent": .object(customer.consent.mapValues(consent)),
                "groups": .array(customer.groupIds.sorted().map(JSONValue.string)),
                "devices": .array(customer.devices.keys.sorted().compactMap { customer.devices[$0]?.exported }),
                "firstSeen": .string(customer.firstSeen.iso8601),
                "lastSeen": .string(customer.lastSeen.iso8601),
            ]
            for (kind, entries) in exported {
                let earlier = item[kind.rawValue]?.arrayValue ?? []
                item[kind.rawValue] = .array(earlier + (entries[customer.customerId] ?? []))
            }
            items.append(.object(item))
        }
        var subject: [String: JSONValue] = [:]
        subject[regulation.subject.kind.rawValue] = regulation.subject.value.map(JSONValue.string) ?? .null
        let document: JSONValue = [
            "regulationId": .string(regulation.id),
            "subject": .object(subject),
            "generatedAt": .string(time.iso8601),
            "customers": .array(items),
        ]
        var counts: [PersonalData: Int] = [:]
        for (kind, entries) in exported { counts[kind, default: 0] += entries.values.reduce(0) { $0 + $1.count } }
        return Made(bytes: document.encoded(), counts: counts)
    }

    static func consent(_ state: ChannelConsent) -> JSONValue {
        ["subscribed": .bool(state.subscribed), "changedAt": .string(state.changedAt.iso8601)]
    }
}

extension PushDevice {
    /// In an access export: all Cairn holds of it, its token or subscription whole (the export
    /// is the customer's own data).
    var exported: JSONValue {
        guard case .object(var fields) = stored else { return .null }
        fields["lastSeen"] = .string(lastSeen.iso8601)
        return .object(fields)
    }
}
