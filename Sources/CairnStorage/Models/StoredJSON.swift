import CairnCore

/// How structured values are kept in JSON columns, the same for every backend.
enum StoredJSON {
    static func encode(_ errors: [EventError]) -> [UInt8] {
        JSONValue.array(errors.map { ["code": .string($0.code), "message": .string($0.message)] }).encoded()
    }

    static func errors(from bytes: [UInt8]) -> [EventError] {
        guard case .array(let items)? = try? JSONParser.parse(bytes) else { return [] }
        return items.compactMap { item in
            guard let code = item["code"]?.stringValue, let message = item["message"]?.stringValue else { return nil }
            return EventError(code: code, message: message)
        }
    }

    static func encode(_ consent: [String: ChannelConsent]) -> [UInt8] {
        JSONValue.object(
            consent.mapValues { state in
                [
                    "subscribed": .bool(state.subscribed),
                    "changedAt": .number(String(state.changedAt.millisecondsSinceEpoch)),
                    "statedAt": .number(String(state.statedAt.millisecondsSinceEpoch)),
                ]
            }
        ).encoded()
    }

    static func consent(from bytes: [UInt8]) -> [String: ChannelConsent] {
        guard case .object(let channels)? = try? JSONParser.parse(bytes) else { return [:] }
        return channels.compactMapValues { state in
            guard case .bool(let subscribed)? = state["subscribed"],
                let changed = state["changedAt"].flatMap(millis),
                let stated = state["statedAt"].flatMap(millis)
            else { return nil }
            return ChannelConsent(
                subscribed: subscribed,
                changedAt: Timestamp(millisecondsSinceEpoch: changed),
                statedAt: Timestamp(millisecondsSinceEpoch: stated)
            )
        }
    }

    static func object(from bytes: [UInt8]) -> [String: JSONValue] {
        (try? JSONParser.parse(bytes, maxDepth: 512))?.objectValue ?? [:]
    }

    static func encode(_ strings: Set<String>) -> [UInt8] {
        JSONValue.array(strings.sorted().map(JSONValue.string)).encoded()
    }

    static func strings(from bytes: [UInt8]) -> Set<String> {
        guard case .array(let items)? = try? JSONParser.parse(bytes) else { return [] }
        return Set(items.compactMap(\.stringValue))
    }

    private static func millis(_ value: JSONValue) -> Int64? {
        if case .number(let text) = value { return Int64(text) }
        return nil
    }

    /// A profile's devices as stored: a JSON array, or nil for none.
    static func encode(_ devices: [String: PushDevice]) -> [UInt8]? {
        guard !devices.isEmpty else { return nil }
        return JSONValue.array(devices.keys.sorted().compactMap { devices[$0]?.stored }).encoded()
    }

    static func devices(from bytes: [UInt8]) -> [String: PushDevice] {
        guard case .array(let items)? = try? JSONParser.parse(bytes, maxDepth: 8) else { return [:] }
        var devices: [String: PushDevice] = [:]
        for item in items {
            if let device = PushDevice(stored: item) { devices[device.deviceId] = device }
        }
        return devices
    }
}
