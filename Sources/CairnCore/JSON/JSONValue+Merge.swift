extension JSONValue {
    /// `self` with `defaults` filled in underneath: where both hold an object for a key the two
    /// objects are merged the same way; anywhere else `self` wins.
    public func filling(defaults: JSONValue) -> JSONValue {
        guard case .object(var members) = self, case .object(let fallback) = defaults else { return self }
        for (key, value) in fallback {
            if let existing = members[key] {
                members[key] = existing.filling(defaults: value)
            } else {
                members[key] = value
            }
        }
        return .object(members)
    }
}

extension JSONValue {
    /// The object with `key` set to `value` (anything else as it is).
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var fields) = self else { return self }
        fields[key] = value
        return .object(fields)
    }
}
