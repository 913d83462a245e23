import Foundation
import Testing

@testable import CairnChannels

/// The opening of an SMTP session, reply by reply: greeting, EHLO (HELO), STARTTLS, AUTH.
@Suite struct SMTPStateMachineOpeningTests {
    typealias Support = SMTPMachineSupport
    static let timeouts = SMTPTimeouts()

    @Test func aGreetingAndEHLOOpenASessionAndListTheExtensions() throws {
        var machine = SMTPStateMachine(settings: try Support.settings())
        #expect(machine.connected() == .awaitReply(timeout: Self.timeouts.greeting))
        #expect(
            machine.replyReceived(Support.reply(220, "mx.example ESMTP"))
                == Support.send("EHLO cairn.test", timeout: Self.timeouts.otherCommands)
        )
        let ehlo = Support.reply(250, "mx.example", "PIPELINING", "SIZE 1000", "8BITMIME", "AUTH PLAIN LOGIN")
        #expect(machine.replyReceived(ehlo) == .opened)
        #expect(machine.state == .ready)
        #expect(machine.extensions.pipelining)
        #expect(machine.extensions.eightBitMIME)
        #expect(machine.extensions.sizeLimit == 1000)
        #expect(machine.extensions.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(!machine.isTLS)
    }

    @Test func a554GreetingIsRefusedAndTheSessionSaysQUIT() throws {
        var machine = SMTPStateMachine(settings: try Support.settings())
        _ = machine.connected()
        let refusal = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "mx.example:25 answered the connection with 554 5.3.2 no service",
            replyCode: 554,
            enhancedCode: "5.3.2"
        )
        #expect(machine.replyReceived(Support.reply(554, "5.3.2 no service")) == .fail(refusal, then: .quit))
        #expect(machine.quit(timeout: .seconds(2)) == Support.send("QUIT", timeout: .seconds(2)))
        #expect(machine.replyReceived(Support.reply(221, "bye")) == .close)
        #expect(machine.state == .closed)
    }

    @Test func aRefusedEHLOFallsBackToHELOWithoutExtensions() throws {
        var machine = SMTPStateMachine(settings: try Support.settings())
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        #expect(
            machine.replyReceived(Support.reply(502, "command not implemented"))
                == Support.send("HELO cairn.test", timeout: Self.timeouts.otherCommands)
        )
        #expect(machine.replyReceived(Support.reply(250, "mx.example")) == .opened)
        #expect(machine.extensions == SMTPExtensions())
    }

    @Test func aRefusedHELOEndsTheSession() throws {
        var machine = SMTPStateMachine(settings: try Support.settings())
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        _ = machine.replyReceived(Support.reply(500, "what"))
        let action = machine.replyReceived(Support.reply(501, "no"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.message == "mx.example:25 answered HELO with 501 no")
        #expect(error.kind == .permanent)
    }

    @Test func aTemporaryAnswerToEHLOIsTransientAndNotRetriedAsHELO() throws {
        var machine = SMTPStateMachine(settings: try Support.settings())
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        let action = machine.replyReceived(Support.reply(421, "4.3.2 busy"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == .transient)
        #expect(error.code == .rejected)
        #expect(error.replyCode == 421)
    }

    @Test func startTLSWhenOfferedThenEHLOAgain() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        #expect(
            machine.replyReceived(Support.reply(250, "mx.example", "STARTTLS", "SIZE 10"))
                == Support.send("STARTTLS", timeout: Self.timeouts.otherCommands)
        )
        #expect(machine.replyReceived(Support.reply(220, "go ahead")) == .startTLS)
        #expect(machine.tlsEstablished() == Support.send("EHLO cairn.test", timeout: Self.timeouts.otherCommands))
        #expect(machine.replyReceived(Support.reply(250, "mx.example", "PIPELINING")) == .opened)
        #expect(machine.isTLS)
        // What the server offered before TLS no longer counts.
        #expect(machine.extensions.sizeLimit == nil)
        #expect(machine.extensions.pipelining)
    }

    @Test func aRefusedSTARTTLSEndsTheSession() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        _ = machine.replyReceived(Support.reply(250, "mx.example", "STARTTLS"))
        let action = machine.replyReceived(Support.reply(454, "4.7.0 TLS not available"))
        guard case .fail(let error, then: .quit) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.message == "mx.example:25 answered STARTTLS with 454 4.7.0 TLS not available")
        #expect(error.kind == .transient)
    }

    @Test func requiredSTARTTLSThatIsNotOfferedIsRefused() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25?starttls=required"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        let expected = ProviderError.misconfigured(
            "mx.example:25 does not offer STARTTLS, which the settings require (starttls=required)"
        )
        #expect(machine.replyReceived(Support.reply(250, "mx.example")) == .fail(expected, then: .quit))
    }

    @Test func optionalSTARTTLSThatIsNotOfferedGoesOnInPlaintext() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        #expect(machine.replyReceived(Support.reply(250, "mx.example")) == .opened)
        #expect(!machine.isTLS)
    }

    @Test func failuresOnTheWireAreNamedByTheirStep() throws {
        var machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        #expect(
            machine.wireFailed(.closed)
                == .fail(.unavailable("mx.example:25 closed the connection (connecting)"), then: .close)
        )
        machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        _ = machine.connected()
        #expect(
            machine.wireFailed(.timedOut)
                == .fail(.unavailable("mx.example:25 did not answer in time (waiting for the greeting)"), then: .close)
        )
        machine = SMTPStateMachine(settings: try Support.settings("smtp://mx.example:25"))
        _ = machine.connected()
        _ = machine.replyReceived(Support.reply(220))
        _ = machine.replyReceived(Support.reply(250, "mx.example", "STARTTLS"))
        _ = machine.replyReceived(Support.reply(220))
        #expect(
            machine.wireFailed(.injectedPlaintext)
                == .fail(
                    .misconfigured(
                        "the server sent data after agreeing to STARTTLS; refusing to continue (mx.example:25)"
                    ),
                    then: .close
                )
        )
        #expect(machine.state == .closed)
    }

    @Test func aReplyOutOfTurnEndsTheSession() throws {
        var machine = try Support.ready(extensions: [])
        let action = machine.replyReceived(Support.reply(250, "surprise"))
        guard case .fail(let error, then: .close) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.code == .unavailable)
        #expect(machine.state == .closed)
    }
}
