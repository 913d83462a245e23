import CairnCore
import Foundation
import Hummingbird

/// Reads the query parameters shared by the read APIs, with clear errors for bad values.
enum QueryReader {
    static let maxPageSize = 100

    /// Refuses a parameter the API does not take (a typo would otherwise filter nothing).
    static func refuseUnknown(_ parameters: FormQuery, allowed: Set<String>) throws {
        if let unknown = parameters.names.first(where: { !allowed.contains($0) }) {
            throw APIError(
                .badRequest,
                code: "unknown_parameter",
                message: "Unknown query parameter \"\(unknown)\"; this API takes "
                    + allowed.sorted().joined(separator: ", ") + "."
            )
        }
    }

    /// `from` (default 0) and `size` (default 20, at most 100).
    static func paging(_ parameters: FormQuery) throws -> (from: Int, size: Int) {
        let from = try integer(parameters["from"], name: "from", default: 0)
        let size = try integer(parameters["size"], name: "size", default: 20)
        guard from >= 0 else {
            throw APIError(.badRequest, code: "invalid_paging", message: "from must be zero or more.")
        }
        guard (1...maxPageSize).contains(size) else {
            throw APIError(.badRequest, code: "invalid_paging", message: "size must be between 1 and \(maxPageSize).")
        }
        return (from, size)
    }

    /// An admin list's `limit`: a whole number from 1 to 1000, `fallback` when absent.
    static func limit(_ parameters: FormQuery, default fallback: Int) throws -> Int {
        guard let text = parameters["limit"] else { return fallback }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw APIError(.badRequest, code: "invalid_limit", message: "limit must be a whole number from 1 to 1000.")
        }
        return limit
    }

    /// An admin list's `before`: the id (a UUID) of the last item of the previous page, which
    /// the list names (`message`, `regulation`). Ids grow with time: anything else would quietly
    /// page wrong.
    static func before(_ parameters: FormQuery, naming item: String) throws -> String? {
        guard let text = parameters["before"].map(String.init) else { return nil }
        guard UUID(uuidString: text) != nil else {
            throw APIError(
                .badRequest,
                code: "invalid_before",
                message: "before must be the id of the last \(item) of the previous page."
            )
        }
        return text
    }

    static func timestamp(_ value: Substring?, name: String) throws -> Timestamp? {
        guard let value else { return nil }
        guard let parsed = Timestamp(iso8601: String(value)) else {
            throw APIError(
                .badRequest,
                code: "invalid_timestamp",
                message: "\(name) must be an ISO-8601 date-time such as 2019-11-18T13:30:11.444Z."
            )
        }
        return parsed
    }

    private static func integer(_ value: Substring?, name: String, default fallback: Int) throws -> Int {
        guard let value else { return fallback }
        guard let parsed = Int(value) else {
            throw APIError(.badRequest, code: "invalid_paging", message: "\(name) must be a whole number.")
        }
        return parsed
    }
}
