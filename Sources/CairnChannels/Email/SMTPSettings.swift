/// How to reach one SMTP provider: where, how to secure the connection, whom to log in as.
///
/// Made from a URL: `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465` (implicit
/// TLS), with `?starttls=required|never`, `?ca=PATH` (a PEM CA trusted besides the system roots),
/// `?auth=plain|login`, `?insecure_auth=true` (allows AUTH without TLS), `?helo=NAME` and
/// `?max_connections=N`.
public struct SMTPSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Security: Sendable, Hashable {
        /// STARTTLS when the server offers it, plaintext otherwise.
        case startTLSIfOffered
        /// STARTTLS or nothing: a server that does not offer it is a permanent error.
        case startTLSRequired
        /// Never TLS.
        case plain
        /// TLS from the first byte (smtps, port 465).
        case implicitTLS
    }

    public enum AuthMechanism: String, Sendable, Hashable {
        case plain
        case login
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// A PEM file of CA certificates trusted in addition to the system's.
    public var caPath: String?
    public var heloName: String
    /// Allows AUTH over a connection without TLS (credentials in the clear).
    public var allowInsecureAuth: Bool
    /// The AUTH mechanism to use; nil picks PLAIN, else LOGIN, among those the server offers.
    public var authMechanism: AuthMechanism?
    public var timeouts: SMTPTimeouts
    /// At most this many connections to the provider are open at once.
    public var maxConnections: Int
    /// Which addresses the server may be at (not part of the URL): any for the operator's own,
    /// public ones only for a brand's, unless the server allows private ones.
    public var addressPolicy: OutboundAddressPolicy = .anyAddress

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLSIfOffered,
        username: String? = nil,
        password: String? = nil,
        caPath: String? = nil,
        heloName: String? = nil,
        allowInsecureAuth: Bool = false,
        authMechanism: AuthMechanism? = nil,
        timeouts: SMTPTimeouts = SMTPTimeouts(),
        maxConnections: Int = 4
    ) {
        self.host = host
        self.port = port ?? (security == .implicitTLS ? 465 : 587)
        self.security = security
        self.username = username
        self.password = password
        self.caPath = caPath
        self.heloName = heloName ?? SMTPSettings.defaultHeloName()
        self.allowInsecureAuth = allowInsecureAuth
        self.authMechanism = authMechanism
        self.timeouts = timeouts
        self.maxConnections = max(1, maxConnections)
    }

    /// The settings as a URL with the password replaced by `***`.
    public var redactedURL: String {
        var url = security == .implicitTLS ? "smtps://" : "smtp://"
        if let username {
            url += SMTPURLParser.percentEncoded(username)
            if password != nil { url += ":***" }
            url += "@"
        }
        url += host.contains(":") ? "[\(host)]" : host
        url += ":\(port)"
        var query: [String] = []
        switch security {
        case .startTLSRequired: query.append("starttls=required")
        case .plain: query.append("starttls=never")
        case .startTLSIfOffered, .implicitTLS: break
        }
        if let caPath { query.append("ca=" + SMTPURLParser.percentEncoded(caPath, keepingSlashes: true)) }
        if let authMechanism { query.append("auth=\(authMechanism.rawValue)") }
        if allowInsecureAuth { query.append("insecure_auth=true") }
        if heloName != SMTPSettings.defaultHeloName() { query.append("helo=" + SMTPURLParser.percentEncoded(heloName)) }
        if maxConnections != 4 { query.append("max_connections=\(maxConnections)") }
        return query.isEmpty ? url : url + "?" + query.joined(separator: "&")
    }

    public var description: String { redactedURL }
    public var debugDescription: String { "SMTPSettings(\(redactedURL))" }

    /// The machine's host name when it is a fully qualified one, else "localhost".
    static func defaultHeloName() -> String {
        let name = SystemHostName.current
        guard let name, name.contains("."), SMTPURLParser.isHostName(name) else { return "localhost" }
        return name
    }
}
