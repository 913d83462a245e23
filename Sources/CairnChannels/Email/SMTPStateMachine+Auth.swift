import Foundation

extension SMTPStateMachine {
    /// An AUTH exchange under way (RFC 4954): the mechanism, and what to send to each further 334.
    struct Authentication: Sendable, Hashable {
        var mechanism: SMTPSettings.AuthMechanism
        var responses: [SMTPCommand]
    }

    /// AUTH PLAIN or LOGIN with the settings' credentials. Refused before anything is sent when
    /// the connection has no TLS and the settings do not allow that.
    mutating func authenticate() -> Action {
        guard isTLS || settings.allowInsecureAuth else {
            return fail(
                .misconfigured(
                    "refusing to send the SMTP password to \(server) over a connection without TLS "
                        + "(add insecure_auth=true to the URL to allow it)"
                ),
                then: .quit
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
            return fail(.misconfigured("\(server) \(what); PLAIN or LOGIN is needed"), then: .quit)
        }
        let username = settings.username ?? ""
        let password = settings.password ?? ""
        let first: SMTPCommand
        let responses: [SMTPCommand]
        switch mechanism {
        case .plain:
            let token = Self.base64("\u{0}\(username)\u{0}\(password)")
            first = SMTPCommand("AUTH PLAIN \(token)", loggedAs: "AUTH PLAIN ***")
            responses = [SMTPCommand(token, loggedAs: "***")]
        case .login:
            first = SMTPCommand("AUTH LOGIN")
            responses = [
                SMTPCommand(Self.base64(username), loggedAs: "***"),
                SMTPCommand(Self.base64(password), loggedAs: "***"),
            ]
        }
        state = .authenticating(Authentication(mechanism: mechanism, responses: responses))
        return .send([first], timeout: timeouts.otherCommands)
    }

    /// 235 → open; 334 → the next response; else (or a 334 with nothing left to say) refused, the
    /// credentials scrubbed from the server's words.
    mutating func authReplied(_ reply: SMTPReply, _ authentication: Authentication) -> Action {
        if reply.code == 235 {
            state = .ready
            return .opened
        }
        var authentication = authentication
        if reply.code == 334, !authentication.responses.isEmpty {
            let next = authentication.responses.removeFirst()
            state = .authenticating(authentication)
            return .send([next], timeout: timeouts.otherCommands)
        }
        var error = ProviderError(
            reply: reply,
            command: "AUTH \(authentication.mechanism.rawValue.uppercased())",
            server: server
        )
        // A server still asking after the last answer will not take these credentials.
        if reply.code == 334 { error.kind = .permanent }
        let username = settings.username ?? ""
        let password = settings.password ?? ""
        let secrets = [password, Self.base64(password), Self.base64("\u{0}\(username)\u{0}\(password)")]
        for secret in secrets where !secret.isEmpty {
            error.message = error.message.replacingOccurrences(of: secret, with: "***")
        }
        return fail(error, then: .quit)
    }

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
