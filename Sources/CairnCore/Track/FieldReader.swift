/// Small readers for the loosely typed fields of an event body.
enum FieldReader {
    /// A non-empty string, or nil for a missing, null, empty or non-string value.
    static func nonEmptyString(_ value: JSONValue?) -> String? {
        guard case .string(let text) = value, !text.isEmpty else { return nil }
        return text
    }

    /// An identifier: a non-empty string, or a number taken in its written form (as Segment does).
    /// nil when absent or null; throws for any other type.
    static func identifier(_ value: JSONValue?, field: String) throws(EventRejection) -> String? {
        switch value {
        case .none, .null?: return nil
        case .string(let text)?:
            if text.isEmpty { return nil }
            guard text.contains(where: { !$0.isWhitespace }) else {
                throw EventRejection(
                    .blankId,
                    "\(field) is blank: an id needs at least one character that is not a space."
                )
            }
            return text
        case .number(let text)?: return text
        case let other?:
            throw EventRejection(.invalidFieldType, "\(field) must be a string, not \(other.typeName).")
        }
    }

    /// Throws unless `value` is absent, null or an object.
    static func requireOptionalObject(_ value: JSONValue?, field: String) throws(EventRejection) {
        switch value {
        case .none, .null?, .object?: return
        case let other?:
            throw EventRejection(.invalidFieldType, "\(field) must be an object, not \(other.typeName).")
        }
    }
}
