import CairnCore
import Hummingbird
import NIOCore

/// An admin request's JSON body, read once (any content type: curl's default is fine), with
/// readers for its fields that refuse a wrong value with a code naming the field.
struct AdminBody: Sendable {
    /// Asset templates can be long; nothing else an admin sends comes near this.
    static let maxBytes = 1024 * 1024

    let fields: [String: JSONValue]

    static func read(_ request: Request) async throws -> AdminBody {
        let buffer = try await request.collectBody(upTo: maxBytes, what: "an admin request")
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty { return AdminBody(fields: [:]) }
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONParser.parse(bytes, maxDepth: 64)
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "The body is not valid JSON.")
        }
        guard case .object(let fields) = json else {
            throw APIError(.badRequest, code: "body_not_object", message: "The body must be a JSON object.")
        }
        return AdminBody(fields: fields)
    }

    /// A string field; nil when absent or null.
    func string(_ name: String, code: String? = nil) throws -> String? {
        switch fields[name] {
        case .none, .null?: return nil
        case .string(let text)?: return text
        default: throw invalid(name, code: code, "must be a string")
        }
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try string(name), !text.isEmpty else {
            throw APIError(
                .badRequest,
                code: "missing_\(AssetContentRules.snakeCase(name))",
                message: "\(name) is required."
            )
        }
        return text
    }

    /// A field that names one of `Value`'s cases.
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, as type: Value.Type) throws -> Value
    where Value.RawValue == String {
        let text = try requiredString(name)
        guard let value = Value(rawValue: text) else {
            let words = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid(name, code: nil, "must be one of \(words)")
        }
        return value
    }

    func number(_ name: String) throws -> Double? {
        switch fields[name] {
        case .none, .null?: return nil
        case .number(let text)?:
            guard let value = Double(text) else { throw invalid(name, code: nil, "must be a number") }
            return value
        default: throw invalid(name, code: nil, "must be a number")
        }
    }

    func object(_ name: String) throws -> [String: JSONValue]? {
        switch fields[name] {
        case .none, .null?: return nil
        case .object(let object)?: return object
        default: throw invalid(name, code: nil, "must be an object")
        }
    }

    private func invalid(_ name: String, code: String?, _ rule: String) -> APIError {
        APIError(.badRequest, code: code ?? "invalid_\(AssetContentRules.snakeCase(name))", message: "\(name) \(rule).")
    }
}
