public import CairnCore
import Foundation

/// A brand's print provider: `{"provider":"spool","directory"}` (letters left as folders for a
/// pick-up job) or `{"provider":"http","url","key"}` (a print house's API). Its descriptions
/// hide the key.
public struct PrintSettings: Sendable, Hashable, CustomStringConvertible {
    public enum Delivery: Sendable, Hashable {
        /// `directory` as saved: an absolute path for the server's own, a folder's name under the
        /// server's spool for a brand's (`BrandProviderRules` resolves it).
        case spool(directory: String)
        case http(url: String, key: String)
    }

    public var delivery: Delivery
    /// Where an `http` provider may be: any address for the operator's own, public ones only for
    /// a brand's unless the server allows private ones.
    public var addressPolicy: OutboundAddressPolicy = .anyAddress
    /// The spool directory as letters are written to it (resolved for a brand's).
    public var spoolPath: String?

    public init(delivery: Delivery) throws(ProviderError) {
        switch delivery {
        case .spool(let directory):
            guard !directory.isEmpty, !directory.contains("\0") else {
                throw .invalidSettings("A spool provider needs directory: where its letters are left.")
            }
            spoolPath = directory.hasPrefix("/") ? directory : nil
        case .http(let url, let key):
            guard HTTPBaseURL.normalized(url) != nil else {
                throw .invalidSettings(
                    "An http print provider's url must be an http or https URL without query, fragment or credentials."
                )
            }
            guard !key.isEmpty else { throw .invalidSettings("An http print provider needs key: its API key.") }
        }
        self.delivery = delivery
    }

    /// Reads the print channel's JSON (its `provider` already known to be `spool` or `http`).
    init(fields: [String: JSONValue]) throws(ProviderError) {
        if fields["provider"]?.stringValue == "spool" {
            guard let directory = fields["directory"]?.stringValue else {
                throw .invalidSettings("A spool provider needs directory: where its letters are left.")
            }
            try self.init(delivery: .spool(directory: directory))
        } else {
            guard let url = fields["url"]?.stringValue, let key = fields["key"]?.stringValue else {
                throw .invalidSettings("An http print provider needs url and key.")
            }
            try self.init(delivery: .http(url: url, key: key))
        }
    }

    /// As sealed at rest (`reveal`) or as shown (the key masked).
    func json(revealing reveal: Bool) -> JSONValue {
        switch delivery {
        case .spool(let directory):
            return ["provider": "spool", "directory": .string(directory)]
        case .http(let url, let key):
            return ["provider": "http", "url": .string(url), "key": .string(reveal ? key : "********")]
        }
    }

    public var provider: String {
        switch delivery {
        case .spool: return "spool"
        case .http: return "http"
        }
    }

    public var description: String { json(revealing: false).encodedString() }
}
