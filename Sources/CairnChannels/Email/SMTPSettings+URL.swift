import Foundation

extension SMTPSettings {
    /// Reads settings from a provider URL such as `smtp://user:pass@host:587?starttls=required`.
    /// The user name and password are percent-decoded; an error's sentence never holds the password.
    public init(url: String) throws(ProviderError) {
        let security: Security
        let rest: Substring
        if let tail = SMTPURLParser.dropPrefix("smtp://", of: url) {
            (security, rest) = (.startTLSIfOffered, tail)
        } else if let tail = SMTPURLParser.dropPrefix("smtps://", of: url) {
            (security, rest) = (.implicitTLS, tail)
        } else {
            throw .invalidSettings("the SMTP URL must start with smtp:// or smtps://")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var afterAuthority = rest[authorityEnd...]
        // An '@' past the authority means a password with a raw '/', '?' or '#' ended it early:
        // say so without echoing any of it.
        guard !afterAuthority.contains("@") else { throw Self.rawDelimiterInPassword }
        if let fragment = afterAuthority.firstIndex(of: "#") { afterAuthority = afterAuthority[..<fragment] }
        let query = afterAuthority.firstIndex(of: "?").map { afterAuthority[afterAuthority.index(after: $0)...] }
        let path = afterAuthority[..<(afterAuthority.firstIndex(of: "?") ?? afterAuthority.endIndex)]
        guard path.isEmpty || path == "/" else { throw Self.rawDelimiterInPassword }

        var username: String?
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let colon = userInfo.firstIndex(of: ":")
            guard let user = SMTPURLParser.percentDecoded(userInfo[..<(colon ?? userInfo.endIndex)]) else {
                throw .invalidSettings("the SMTP URL's user name is not valid percent-encoded UTF-8")
            }
            username = user
            if let colon {
                guard let secret = SMTPURLParser.percentDecoded(userInfo[userInfo.index(after: colon)...]) else {
                    throw .invalidSettings("the SMTP URL's password is not valid percent-encoded UTF-8")
                }
                password = secret
            }
            if username?.isEmpty == true && password == nil { username = nil }
        }
        let (host, port) = try SMTPURLParser.hostAndPort(hostPort)

        var settings = SMTPSettings(host: host, port: port, security: security, username: username, password: password)
        for item in (query ?? "").split(separator: "&") where !item.isEmpty {
            let equals = item.firstIndex(of: "=")
            let key = String(item[..<(equals ?? item.endIndex)])
            let rawValue = equals.map { item[item.index(after: $0)...] } ?? ""
            guard let value = SMTPURLParser.percentDecoded(rawValue) else {
                throw .invalidSettings("the SMTP URL's parameter \(key) is not valid percent-encoded UTF-8")
            }
            try settings.apply(key: key, value: value)
        }
        self = settings
    }

    private static let rawDelimiterInPassword = ProviderError.invalidSettings(
        "the SMTP URL must have no path (a '/', '?' or '#' in a password is written %2F, %3F, %23)"
    )

    private mutating func apply(key: String, value: String) throws(ProviderError) {
        switch key {
        case "starttls":
            guard security != .implicitTLS else {
                throw .invalidSettings("starttls does not apply to smtps:// (TLS from the first byte)")
            }
            switch value.lowercased() {
            case "required": security = .startTLSRequired
            case "never": security = .plain
            case "", "auto", "optional": security = .startTLSIfOffered
            default: throw .invalidSettings("starttls must be 'required' or 'never', not '\(value)'")
            }
        case "ca":
            guard !value.isEmpty else { throw .invalidSettings("ca must be the path of a PEM file") }
            caPath = value
        case "auth":
            guard let mechanism = AuthMechanism(rawValue: value.lowercased()) else {
                throw .invalidSettings("auth must be 'plain' or 'login', not '\(value)'")
            }
            authMechanism = mechanism
        case "insecure_auth":
            switch value.lowercased() {
            case "true", "1", "yes": allowInsecureAuth = true
            case "false", "0", "no": allowInsecureAuth = false
            default: throw .invalidSettings("insecure_auth must be 'true' or 'false', not '\(value)'")
            }
        case "helo":
            guard SMTPURLParser.isHostName(value) else {
                throw .invalidSettings("helo must be a host name or an address literal, not '\(value)'")
            }
            heloName = value
        case "max_connections":
            guard let count = Int(value), (1...1000).contains(count) else {
                throw .invalidSettings("max_connections must be a number from 1 to 1000, not '\(value)'")
            }
            maxConnections = count
        default:
            throw .invalidSettings(
                "the SMTP URL has an unknown parameter '\(key)' (known: starttls, ca, auth, insecure_auth, helo, max_connections)"
            )
        }
    }
}

/// The small pieces of URL syntax the SMTP settings need.
enum SMTPURLParser {
    static func dropPrefix(_ prefix: String, of text: String) -> Substring? {
        guard text.count >= prefix.count, text.prefix(prefix.count).lowercased() == prefix else { return nil }
        return text.dropFirst(prefix.count)
    }

    static func hostAndPort(_ text: Substring) throws(ProviderError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidSettings("the SMTP URL's IPv6 host has no closing ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidSettings("the SMTP URL has text after its IPv6 host")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw .invalidSettings("the SMTP URL has no host") }
        guard let decoded = percentDecoded(host), isHostName(decoded) || host.contains(":") else {
            throw .invalidSettings("the SMTP URL's host is not a host name or an IP address")
        }
        guard let portText else { return (decoded, nil) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw .invalidSettings("the SMTP URL's port must be a number from 1 to 65535")
        }
        return (decoded, port)
    }

    /// Letters, digits, '-', '.', '_' (a host name or IPv4 address) or an `[address literal]`.
    static func isHostName(_ text: String) -> Bool {
        if text.hasPrefix("[") && text.hasSuffix("]") && text.count > 2 {
            return text.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0.isLetter }
        }
        return !text.isEmpty && text.utf8.count <= 253
            && text.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "." || scalar == "_"
            }
    }

    /// `%XX` sequences decoded, the result read as UTF-8; nil on a bad escape or bad UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }

    /// `text` with every byte outside RFC 3986's unreserved set (and '/' when `keepingSlashes`)
    /// written as `%XX`.
    static func percentEncoded(_ text: String, keepingSlashes: Bool = false) -> String {
        let allowed = keepingSlashes ? unreservedAndSlash : unreserved
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
    private static let unreservedAndSlash = unreserved.union(CharacterSet(charactersIn: "/"))
}
