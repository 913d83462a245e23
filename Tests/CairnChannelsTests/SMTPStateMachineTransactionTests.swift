import Testing

@testable import CairnChannels

/// One message, reply by reply: MAIL, RCPT and DATA (pipelined when offered), the data, the
/// final verdict, then RSET and QUIT.
@Suite struct SMTPStateMachineTransactionTests {
    typealias Support = SMTPMachineSupport
    static let timeouts = SMTPTimeouts()
    static let recipients = ["ann@example.com", "bob@example.com"]

    @Test func pipeliningSendsTheWholeEnvelopeInOneWriteAndReadsTheRepliesInOrder() throws {
        var machine = try Support.ready(extensions: ["PIPELINING"])
        #expect(
            machine.deliver(Support.email(to: Self.recipients))
                == Support.send(
                    "MAIL FROM:<shop@cairn.example>",
                    "RCPT TO:<ann@example.com>",
                    "RCPT TO:<bob@example.com>",
                    "DATA",
                    timeout: Self.timeouts.mailFrom
                )
        )
        #expect(machine.replyReceived(Support.reply(250, "2.1.0 ok")) == .awaitReply(timeout: Self.timeouts.rcptTo))
        #expect(machine.replyReceived(Support.reply(250, "2.1.5 ok")) == .awaitReply(timeout: Self.timeouts.rcptTo))
        #expect(
            machine.replyReceived(Support.reply(251, "2.1.5 forwarded"))
                == .awaitReply(timeout: Self.timeouts.dataInitiation)
        )
        #expect(
            machine.replyReceived(Support.reply(354, "go ahead")) == .sendData(blockTimeout: Self.timeouts.dataBlock)
        )
        #expect(machine.dataWritten() == .awaitReply(timeout: Self.timeouts.dataTermination))
        let receipt = SMTPReceipt(replyCode: 250, serverReply: "250 2.0.0 Ok: queued as 4F2A1")
        #expect(machine.replyReceived(Support.reply(250, "2.0.0 Ok: queued as 4F2A1")) == .delivered(receipt))
        #expect(machine.state == .ready)
        #expect(machine.needsReset)
    }

    @Test func pipelinedRefusalsAreReportedOnceDATAIsAnswered() throws {
        var machine = try Support.ready(extensions: ["PIPELINING"])
        _ = machine.deliver(Support.email(to: Self.recipients))
        _ = machine.replyReceived(Support.reply(250))
        #expect(
            machine.replyReceived(Support.reply(550, "5.1.1 no such user"))
                == .awaitReply(timeout: Self.timeouts.rcptTo)
        )
        _ = machine.replyReceived(Support.reply(450, "4.2.0 later"))
        let refusal = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "mx.example:25 answered RCPT TO with 550 5.1.1 no such user",
            replyCode: 550,
            enhancedCode: "5.1.1"
        )
        #expect(
            machine.replyReceived(Support.reply(554, "5.5.1 no valid recipients"))
                == .fail(refusal, then: .keepSession)
        )
        #expect(machine.state == .ready)
        #expect(machine.needsReset)
    }

    @Test func aServerThatSaid354AfterARefusalIsDropped() throws {
        var machine = try Support.ready(extensions: ["PIPELINING"])
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(550, "no"))
        let action = machine.replyReceived(Support.reply(354, "go ahead"))
        guard case .fail(let error, then: .close) = action else {
            Issue.record("expected the session dropped, got \(action)")
            return
        }
        #expect(error.replyCode == 550)
        #expect(machine.state == .closed)
    }

    @Test func a421ToMAILInAPipelinedGroupDropsTheSession() throws {
        var machine = try Support.ready(extensions: ["PIPELINING"])
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(421, "closing"))
        _ = machine.replyReceived(Support.reply(503, "bad sequence"))
        let action = machine.replyReceived(Support.reply(503, "bad sequence"))
        guard case .fail(let error, then: .close) = action else {
            Issue.record("expected the session dropped, got \(action)")
            return
        }
        #expect(error.message == "mx.example:25 answered MAIL FROM with 421 closing")
    }

    @Test func withoutPipeliningEachCommandWaitsForItsReply() throws {
        var machine = try Support.ready(extensions: [])
        #expect(
            machine.deliver(Support.email(to: Self.recipients))
                == Support.send("MAIL FROM:<shop@cairn.example>", timeout: Self.timeouts.mailFrom)
        )
        #expect(
            machine.replyReceived(Support.reply(250))
                == Support.send("RCPT TO:<ann@example.com>", timeout: Self.timeouts.rcptTo)
        )
        #expect(
            machine.replyReceived(Support.reply(251))
                == Support.send("RCPT TO:<bob@example.com>", timeout: Self.timeouts.rcptTo)
        )
        #expect(
            machine.replyReceived(Support.reply(250)) == Support.send("DATA", timeout: Self.timeouts.dataInitiation)
        )
        #expect(machine.replyReceived(Support.reply(354)) == .sendData(blockTimeout: Self.timeouts.dataBlock))
    }

    @Test func withoutPipeliningARefusedRecipientStopsAtOnce() throws {
        var machine = try Support.ready(extensions: [])
        _ = machine.deliver(Support.email(to: Self.recipients))
        _ = machine.replyReceived(Support.reply(250))
        let action = machine.replyReceived(Support.reply(450, "4.2.1 mailbox busy"))
        guard case .fail(let error, then: .keepSession) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == .transient)
        #expect(error.message == "mx.example:25 answered RCPT TO with 450 4.2.1 mailbox busy")
    }

    @Test func aRefusedDATAFails() throws {
        var machine = try Support.ready(extensions: [])
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(250))
        let action = machine.replyReceived(Support.reply(554, "5.3.0 no"))
        guard case .fail(let error, then: .keepSession) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.message == "mx.example:25 answered DATA with 554 5.3.0 no")
    }

    @Test(arguments: [
        (451, ProviderError.Kind.transient, SMTPStateMachine.AfterFailure.keepSession),
        (554, .permanent, .keepSession),
        (421, .transient, .close),
    ])
    func theFinalVerdict(code: Int, kind: ProviderError.Kind, after: SMTPStateMachine.AfterFailure) throws {
        var machine = try Self.dataWritten()
        let action = machine.replyReceived(Support.reply(code, "verdict"))
        guard case .fail(let error, then: let then) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(error.kind == kind)
        #expect(error.message == "mx.example:25 answered the message's final dot with \(code) verdict")
        #expect(then == after)
    }

    @Test func noVerdictAfterTheFinalDotIsAnUnknownOutcome() throws {
        var machine = try Self.dataWritten()
        let expected = ProviderError.unavailable(
            "mx.example:25 did not answer in time (the reply to the final dot)",
            kind: .unknownOutcome
        )
        #expect(machine.wireFailed(.timedOut) == .fail(expected, then: .close))
    }

    @Test func aFailureWhileWritingTheDataIsTransient() throws {
        var machine = try Support.ready(extensions: [])
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(354))
        let expected = ProviderError.unavailable("mx.example:25 closed the connection (the message's data)")
        #expect(machine.wireFailed(.closed) == .fail(expected, then: .close))
    }

    @Test func aMessageTheServerCannotTakeIsRefusedBeforeAnythingIsSent() throws {
        var machine = try Support.ready(extensions: ["SIZE 100"])
        let tooLarge = ProviderError.misconfigured(
            "the message of 101 bytes is larger than mx.example:25 accepts (100)"
        )
        #expect(machine.deliver(Support.email(bytes: 101)) == .fail(tooLarge, then: .keepSession))
        var international = Support.email()
        international.recipients = ["josé@correo.example"]
        let noUTF8 = ProviderError.misconfigured("the server does not accept internationalised addresses")
        #expect(machine.deliver(international) == .fail(noUTF8, then: .keepSession))
        #expect(
            machine.deliver(Support.email(to: []))
                == .fail(
                    .misconfigured("the envelope's addresses are not valid: [\"shop@cairn.example\"]"),
                    then: .keepSession
                )
        )
        #expect(machine.state == .ready)
        #expect(!machine.needsReset)
    }

    @Test func mailFromCarriesSMTPUTF8AndSIZEWhenOffered() throws {
        var machine = try Support.ready(extensions: ["SMTPUTF8", "8BITMIME", "SIZE 1000"])
        var email = Support.email(bytes: 20)
        email.needsSMTPUTF8 = true
        #expect(
            machine.deliver(email)
                == Support.send(
                    "MAIL FROM:<shop@cairn.example> SMTPUTF8 BODY=8BITMIME SIZE=20",
                    timeout: Self.timeouts.mailFrom
                )
        )
    }

    @Test func rsetOnlyAfterATransaction() throws {
        var machine = try Support.ready(extensions: [])
        #expect(machine.reset() == .resetDone(true))
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(550, "no"))
        #expect(machine.reset() == Support.send("RSET", timeout: Self.timeouts.otherCommands))
        #expect(machine.replyReceived(Support.reply(250)) == .resetDone(true))
        #expect(!machine.needsReset)
        #expect(machine.reset() == .resetDone(true))
    }

    @Test func aRefusedOrBrokenRSETNeedsANewSession() throws {
        var machine = try Self.delivered()
        _ = machine.reset()
        #expect(machine.replyReceived(Support.reply(421, "closing")) == .resetDone(false))
        var broken = try Self.delivered()
        _ = broken.reset()
        #expect(broken.wireFailed(.closed) == .resetDone(false))
        #expect(broken.state == .closed)
    }

    @Test func quitClosesWhateverTheAnswer() throws {
        var machine = try Support.ready(extensions: [])
        #expect(machine.quit(timeout: .seconds(5)) == Support.send("QUIT", timeout: .seconds(5)))
        #expect(machine.replyReceived(Support.reply(221, "bye")) == .close)
        var silent = try Support.ready(extensions: [])
        _ = silent.quit(timeout: .seconds(5))
        #expect(silent.wireFailed(.timedOut) == .close)
    }

    /// A machine whose message's data is written: the final verdict is next.
    static func dataWritten() throws -> SMTPStateMachine {
        var machine = try Support.ready(extensions: ["PIPELINING"])
        _ = machine.deliver(Support.email())
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(250))
        _ = machine.replyReceived(Support.reply(354))
        _ = machine.dataWritten()
        return machine
    }

    static func delivered() throws -> SMTPStateMachine {
        var machine = try dataWritten()
        _ = machine.replyReceived(Support.reply(250))
        return machine
    }
}
