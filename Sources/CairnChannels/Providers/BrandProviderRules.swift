public import CairnCore
import Foundation
import NIOCore

/// What the server allows the providers that brands set through the admin API (the operator's
/// own, from the configuration, are trusted as they are): where they may connect, and which CA
/// files an SMTP URL's `?ca=` may name.
public struct BrandProviderRules: Sendable, Hashable {
    /// Lets brands' providers reach loopback, private and link-local addresses
    /// (`--allow-private-urls`): for a server on a private network that trusts its admins.
    public var allowsPrivateAddresses: Bool
    /// The directory a brand's `?ca=NAME` is read from (`--ca-directory`); nil: brands may name none.
    public var caDirectory: String?
    /// The server's print spool (`--print-spool`): a brand's spool `directory` is a folder in it;
    /// nil: brands may set no spool.
    public var printSpool: String?

    public init(allowsPrivateAddresses: Bool = false, caDirectory: String? = nil, printSpool: String? = nil) {
        self.allowsPrivateAddresses = allowsPrivateAddresses
        self.caDirectory = caDirectory
        self.printSpool = printSpool
    }

    /// Why brand settings are refused when saved.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// `private_address`, `ca_not_allowed` or `spool_not_allowed`.
        public var code: String
        public var description: String
    }

    /// Refuses, when saved, what can be known then: a provider at an IP address (or `localhost`)
    /// the policy refuses, and a CA file outside the CA directory. A name that resolves to a
    /// refused address is found when a send connects.
    public func check(_ settings: ProviderSettings) throws(Refusal) {
        switch settings {
        case .smtp(_, let smtp, _):
            if let ca = smtp.caPath { _ = try caFile(ca) }
            try check(host: smtp.host)
        case .twilio(let twilio):
            try check(host: URL(string: twilio.baseURL)?.host ?? "")
        case .push(let push):
            guard let fcm = push.fcm else { return }
            try check(host: URL(string: fcm.baseURL)?.host ?? "")
            try check(host: URL(string: fcm.account.tokenURI)?.host ?? "")
        case .print(let print):
            switch print.delivery {
            case .spool(let directory): _ = try spoolFolder(directory)
            case .http(let url, _): try check(host: URL(string: url)?.host ?? "")
            }
        }
    }

    /// Refuses a host that is a loopback, private or link-local address (or `localhost`), unless
    /// the server allows them.
    public func check(host: String) throws(Refusal) {
        guard !allowsPrivateAddresses else { return }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let lowered = name.lowercased()
        let refused: Bool
        if lowered == "localhost" || lowered.hasSuffix(".localhost") {
            refused = true
        } else if let address = try? SocketAddress(ipAddress: name, port: 0) {
            refused = !AddressRange.isPublic(address)
        } else {
            refused = false
        }
        if refused {
            throw Refusal(
                code: "private_address",
                description: "\(host) is a loopback, private or link-local address; a brand's providers must be "
                    + "on the public internet (the server's --allow-private-urls lets them be)."
            )
        }
    }

    /// The settings as a brand's sender uses them: connections only where the policy allows, and
    /// a CA file read from the CA directory.
    public func applied(to settings: ProviderSettings) throws(Refusal) -> ProviderSettings {
        switch settings {
        case .smtp(let url, var smtp, let defaults):
            smtp.addressPolicy = policy
            smtp.caPath = try smtp.caPath.map(caFile)
            return .smtp(url: url, smtp, defaults)
        case .twilio(var twilio):
            twilio.addressPolicy = policy
            return .twilio(twilio)
        case .push(var push):
            push.fcm?.addressPolicy = policy
            return .push(push)
        case .print(var print):
            print.addressPolicy = policy
            if case .spool(let directory) = print.delivery { print.spoolPath = try spoolFolder(directory) }
            return .print(print)
        }
    }

    /// Where brands' providers, and the URLs browsers give (Web Push endpoints), may connect.
    public var policy: OutboundAddressPolicy { allowsPrivateAddresses ? .anyAddress : .publicOnly }

    /// The path of a brand's spool `directory`: `brands/{name}` inside the server's spool (apart
    /// from the server's own letters, whose folders are named by UUIDs), the name 1 to 64 letters,
    /// digits, `-` or `_`.
    func spoolFolder(_ name: String) throws(Refusal) -> String {
        guard let printSpool else {
            throw Refusal(
                code: "spool_not_allowed",
                description: "A brand's spool directory is a folder in the server's print spool (--print-spool), "
                    + "and none is set."
            )
        }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
        guard (1...64).contains(name.utf8.count), allowed else {
            throw Refusal(
                code: "spool_not_allowed",
                description: "A brand's spool directory is a folder's name of 1 to 64 letters, digits, '-' or '_' "
                    + "(no path), made in the server's print spool under brands/."
            )
        }
        return (printSpool.hasSuffix("/") ? printSpool : printSpool + "/") + "brands/" + name
    }

    /// The path of a brand's `ca=NAME`: a file name inside the CA directory.
    func caFile(_ name: String) throws(Refusal) -> String {
        guard let caDirectory else {
            throw Refusal(
                code: "ca_not_allowed",
                description: "ca names a file in the server's CA directory (--ca-directory), and none is set."
            )
        }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), !name.contains("\0") else {
            throw Refusal(
                code: "ca_not_allowed",
                description: "ca must be the name of a file in the server's CA directory, without a path."
            )
        }
        return caDirectory.hasSuffix("/") ? caDirectory + name : caDirectory + "/" + name
    }
}
