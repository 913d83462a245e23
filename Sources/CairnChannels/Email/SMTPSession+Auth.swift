import Foundation

extension SMTPSession {
    /// AUTH PLAIN or LOGIN (RFC 4954) with the settings' credentials. Refused before anything is
    /// sent when the connection has no TLS and the settings do not allow that.
    mutating func authenticate() async throws {
        let username = settings.username ?? ""
        let password = settings.password ?? ""
        guard isTLS || settings.allowInsecureAuth else {
            throw SMTPError(
                kind: .permanent,
                message: "refusing to send the SMTP password to \(server) over a connection without TLS "
                    + "(add insecure_auth=true to the URL to allow it)"
            )
        }
        let offered = extensions.authMechanisms
        let mechanism: SMTPSettings.AuthMechanism
        if let chosen = settings.authMechanism {
            mechanism = chosen
        } else if offered.contains("PLAIN") {
            mechanism = .plain
        } else if offered.contains("LOGIN") {
            mechanism = .login
        } else {
            let what =
                offered.isEmpty ? "does not offer AUTH" : "offers AUTH \(offered.sorted().joined(separator: " ")) only"
            throw SMTPError(kind: .permanent, message: "\(server) \(what); PLAIN or LOGIN is needed")
        }
        let timeout = settings.timeouts.otherCommands
        let secrets = [password, Self.base64(password), Self.base64("\u{0}\(username)\u{0}\(password)")]
        var reply: SMTPReply
        switch mechanism {
        case .plain:
            let token = Self.base64("\u{0}\(username)\u{0}\(password)")
            try await connection.send("AUTH PLAIN \(token)", logAs: "AUTH PLAIN ***", timeout: timeout)
            reply = try await connection.readReply(timeout: timeout)
            if reply.code == 334 {
                try await connection.send(token, logAs: "***", timeout: timeout)
                reply = try await connection.readReply(timeout: timeout)
            }
        case .login:
            try await connection.send("AUTH LOGIN", timeout: timeout)
            reply = try await connection.readReply(timeout: timeout)
            if reply.code == 334 {
                try await connection.send(Self.base64(username), logAs: "***", timeout: timeout)
                reply = try await connection.readReply(timeout: timeout)
            }
            if reply.code == 334 {
                try await connection.send(Self.base64(password), logAs: "***", timeout: timeout)
                reply = try await connection.readReply(timeout: timeout)
            }
        }
        guard reply.code == 235 else {
            var error = SMTPError(reply: reply, command: "AUTH \(mechanism.rawValue.uppercased())", server: server)
            if reply.code == 334 { error.kind = .permanent }
            for secret in secrets where !secret.isEmpty {
                error.message = error.message.replacingOccurrences(of: secret, with: "***")
            }
            throw error
        }
    }

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
