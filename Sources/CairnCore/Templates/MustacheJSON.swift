import Mustache

// How JSON values look to Mustache: a list iterates in a section and an object is a context,
// yet printed as a tag either one is written as JSON, never as Swift would describe it; a number
// prints as the JSON wrote it (`1.50`) and offers nothing inside a section.

/// A JSON number: written exactly as the JSON had it (`1.50`, `1e3`, `42`).
struct JSONNumberText: MustacheCustomRenderable, MustacheParent {
    let text: String

    var renderText: String { text }
    var isNull: Bool { false }
    func child(named: String) -> Any? { nil }
}

/// A JSON object: its fields are the names inside a section; printed, it is its JSON.
struct JSONObjectContext: MustacheCustomRenderable, MustacheParent {
    let value: JSONValue

    var renderText: String { String(decoding: value.encoded(), as: UTF8.self) }
    var isNull: Bool { false }

    func child(named name: String) -> Any? {
        guard case .object(let fields) = value, let field = fields[name] else { return nil }
        return MergeData.mustacheValue(field)
    }
}

/// A JSON array: a section repeats for each item; printed, it is its JSON.
struct JSONListContext: MustacheSequence, MustacheCustomRenderable {
    let value: JSONValue

    var renderText: String { String(decoding: value.encoded(), as: UTF8.self) }
    var isNull: Bool { false }

    func makeIterator() -> IndexingIterator<[Any]> {
        guard case .array(let items) = value else { return [Any]().makeIterator() }
        return items.compactMap(MergeData.mustacheValue).makeIterator()
    }
}
