import Foundation
import Testing

@testable import CairnChannels

/// AUTH PLAIN and LOGIN (RFC 4954), reply by reply; credentials never reach an error.
@Suite struct SMTPStateMachineAuthTests {
    typealias Support = SMTPMachineSupport
    static let other = SMTPTimeouts().otherCommands
    static let plainToken = Data("\u{0}ann\u{0}s3cret".utf8).base64EncodedString()

    /// A machine over implicit TLS, past EHLO (offering `extensions`): AUTH is next.
    static func greeted(
        _ query: String = "",
        extensions: [String]
    ) throws -> (SMTPStateMachine, SMTPStateMachine.Action) {
        var machine = SMTPStateMachine(settings: try Support.settings("smtps://ann:s3cret@mx.example:465\(query)"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        let action = machine.replyReceived(SMTPReply(code: 250, lines: ["mx.example"] + extensions))
        return (machine, action)
    }

    @Test func plainSendsItsTokenAtOnceAndLogsItMasked() throws {
        var (machine, action) = try Self.greeted(extensions: ["AUTH LOGIN PLAIN"])
        #expect(
            action
                == .send(
                    [SMTPCommand("AUTH PLAIN \(Self.plainToken)", loggedAs: "AUTH PLAIN ***")],
                    timeout: Self.other
                )
        )
        #expect(machine.replyReceived(Support.reply(235, "2.7.0 ok")) == .opened)
        #expect(machine.state == .ready)
    }

    @Test func plainAnswersAnEmptyChallengeWithTheToken() throws {
        var (machine, _) = try Self.greeted(extensions: ["AUTH PLAIN"])
        #expect(
            machine.replyReceived(Support.reply(334))
                == .send([SMTPCommand(Self.plainToken, loggedAs: "***")], timeout: Self.other)
        )
        #expect(machine.replyReceived(Support.reply(235)) == .opened)
    }

    @Test func loginSendsTheNameThenThePassword() throws {
        var (machine, action) = try Self.greeted("?auth=login", extensions: ["AUTH PLAIN"])
        #expect(action == .send([SMTPCommand("AUTH LOGIN")], timeout: Self.other))
        let name = Data("ann".utf8).base64EncodedString()
        let password = Data("s3cret".utf8).base64EncodedString()
        #expect(
            machine.replyReceived(Support.reply(334, "VXNlcm5hbWU6"))
                == .send([SMTPCommand(name, loggedAs: "***")], timeout: Self.other)
        )
        #expect(
            machine.replyReceived(Support.reply(334, "UGFzc3dvcmQ6"))
                == .send([SMTPCommand(password, loggedAs: "***")], timeout: Self.other)
        )
        #expect(machine.replyReceived(Support.reply(235)) == .opened)
    }

    @Test func aRefusalIsPermanentAndNeverEchoesTheCredentials() throws {
        var (machine, _) = try Self.greeted(extensions: ["AUTH PLAIN"])
        let action = machine.replyReceived(Support.reply(535, "5.7.8 bad credentials \(Self.plainToken) s3cret"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == .permanent)
        #expect(error.message == "mx.example:465 answered AUTH PLAIN with 535 5.7.8 bad credentials *** ***")
        #expect(!String(reflecting: error).contains("s3cret"))
    }

    @Test func aTemporaryRefusalIsTransient() throws {
        var (machine, _) = try Self.greeted(extensions: ["AUTH PLAIN"])
        let action = machine.replyReceived(Support.reply(454, "4.7.0 try later"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == .transient)
    }

    @Test func aChallengeAfterTheLastAnswerIsPermanent() throws {
        var (machine, _) = try Self.greeted("?auth=login", extensions: [])
        _ = machine.replyReceived(Support.reply(334))
        _ = machine.replyReceived(Support.reply(334))
        let action = machine.replyReceived(Support.reply(334, "more?"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == .permanent)
        #expect(error.replyCode == 334)
    }

    @Test func noPasswordOverPlaintextUnlessAllowed() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://ann:s3cret@mx.example:25?starttls=never"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        let action = machine.replyReceived(Support.reply(250, "mx.example", "AUTH PLAIN"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .misconfigured)
        #expect(error.message.contains("insecure_auth=true"))

        var allowed = SMTPStateMachine(
            settings: try Support.settings("smtp://ann:s3cret@mx.example:25?starttls=never&insecure_auth=true")
        )
        _ = allowed.connected()
        _ = allowed.replyReceived(Support.reply(220))
        let auth = allowed.replyReceived(Support.reply(250, "mx.example", "AUTH PLAIN"))
        #expect(
            auth
                == .send(
                    [SMTPCommand("AUTH PLAIN \(Self.plainToken)", loggedAs: "AUTH PLAIN ***")],
                    timeout: Self.other
                )
        )
    }

    @Test func aServerWithoutPlainOrLoginIsRefused() throws {
        let (_, action) = try Self.greeted(extensions: ["AUTH CRAM-MD5 XOAUTH2"])
        let expected = ProviderError.misconfigured(
            "mx.example:465 offers AUTH CRAM-MD5 XOAUTH2 only; PLAIN or LOGIN is needed"
        )
        #expect(action == .fail(expected, then: .quit))
        let (_, none) = try Self.greeted(extensions: [])
        #expect(
            none == .fail(.misconfigured("mx.example:465 does not offer AUTH; PLAIN or LOGIN is needed"), then: .quit)
        )
    }

    /// Whatever prints the machine or its actions (a log line, a failed expectation) shows the
    /// transcript's masked lines, never the credentials.
    @Test func printingTheMachineOrItsActionsShowsNoCredentials() throws {
        let (machine, action) = try Self.greeted(extensions: ["AUTH LOGIN PLAIN"])
        for printed in [
            String(describing: action), String(reflecting: action), String(describing: machine),
            String(reflecting: machine),
        ] {
            #expect(!printed.contains(Self.plainToken))
            #expect(!printed.contains("s3cret"))
        }
        #expect(String(describing: action).contains("AUTH PLAIN ***"))
    }
}
