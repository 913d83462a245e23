import Foundation

/// A query string read as HTML forms write it: `name=value` pairs split on `&`, with `+` a space
/// and `%XX` a byte (in that order, so `%2B` is a plus).
struct FormQuery: Sendable {
    private var pairs: [(name: String, value: String)] = []

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    /// The first value given for `name`.
    subscript(name: String) -> Substring? {
        pairs.first { $0.name == name }.map { Substring($0.value) }
    }

    var names: [String] { pairs.map(\.name) }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
