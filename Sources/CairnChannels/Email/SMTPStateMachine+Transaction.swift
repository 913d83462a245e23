extension SMTPStateMachine {
    /// One message's envelope commands and the replies read so far.
    struct Transaction: Sendable, Hashable {
        enum Verb: Sendable, Hashable {
            case mail, rcpt, data
        }

        struct Command: Sendable, Hashable {
            var verb: Verb
            var line: String
        }

        var commands: [Command]
        /// The index of the command whose reply comes next.
        var next = 0
        /// MAIL, every RCPT and DATA went in one write (RFC 2920).
        var pipelined: Bool
        /// Pipelined: the first refusal among MAIL and the RCPTs, reported once DATA's reply is in.
        var firstRefusal: ProviderError?
        var mailReplyCode: Int?
    }

    /// Starts sending `email`: MAIL FROM, RCPT TO each recipient and DATA, in one write when the
    /// server offers PIPELINING. Refused before anything is sent (the session kept) when the
    /// envelope is not valid, needs SMTPUTF8 the server lacks, or exceeds its SIZE.
    mutating func deliver(_ email: ComposedEmail) -> Action {
        guard state == .ready else { return .fail(.unavailable("\(server): the session is not ready"), then: .close) }
        let envelope = [email.envelopeFrom] + email.recipients
        guard !email.recipients.isEmpty,
            envelope.allSatisfy({ EmailAddress.isValid(address: Substring($0)) || $0.isEmpty })
        else {
            return fail(.misconfigured("the envelope's addresses are not valid: \(envelope)"), then: .keepSession)
        }
        let needsUTF8 = email.needsSMTPUTF8 || envelope.contains { $0.utf8.contains { $0 >= 0x80 } }
        guard !needsUTF8 || extensions.smtpUTF8 else {
            return fail(.misconfigured("the server does not accept internationalised addresses"), then: .keepSession)
        }
        var parameters = needsUTF8 ? " SMTPUTF8" + (extensions.eightBitMIME ? " BODY=8BITMIME" : "") : ""
        if let limit = extensions.sizeLimit {
            guard email.bytes.count <= limit else {
                return fail(
                    .misconfigured(
                        "the message of \(email.bytes.count) bytes is larger than \(server) accepts (\(limit))"
                    ),
                    then: .keepSession
                )
            }
            parameters += " SIZE=\(email.bytes.count)"
        }
        needsReset = true
        let commands =
            [Transaction.Command(verb: .mail, line: "MAIL FROM:<\(email.envelopeFrom)>\(parameters)")]
            + email.recipients.map { Transaction.Command(verb: .rcpt, line: "RCPT TO:<\($0)>") }
            + [Transaction.Command(verb: .data, line: "DATA")]
        let transaction = Transaction(commands: commands, pipelined: extensions.pipelining)
        state = .transaction(transaction)
        let lines = transaction.pipelined ? commands.map(\.line) : [commands[0].line]
        return .send(lines.map { SMTPCommand($0) }, timeout: timeouts.mailFrom)
    }

    /// The reply to the next envelope command. One by one, a refusal ends the transaction at once;
    /// pipelined, the replies to the whole group are read first and the first refusal reported.
    mutating func transactionReplied(_ reply: SMTPReply, _ transaction: Transaction) -> Action {
        var transaction = transaction
        let verb = transaction.commands[transaction.next].verb
        let accepted = Self.accepts(verb, reply.code)
        if verb == .data {
            if let refusal = transaction.firstRefusal {
                // A server that still said 354 waits for a message no one should get: drop the session.
                let keep = reply.code != 354 && transaction.mailReplyCode != 421 && refusal.replyCode != 421
                return fail(refusal, then: keep ? .keepSession : .close)
            }
            guard accepted else {
                return refused(reply, command: "DATA", then: reply.code == 421 ? .close : .keepSession)
            }
            state = .writingData
            return .sendData(blockTimeout: timeouts.dataBlock)
        }
        if verb == .mail { transaction.mailReplyCode = reply.code }
        transaction.next += 1
        let following = transaction.commands[transaction.next]
        if transaction.pipelined {
            if !accepted, transaction.firstRefusal == nil {
                transaction.firstRefusal = ProviderError(reply: reply, command: Self.name(verb), server: server)
            }
            state = .transaction(transaction)
            return .awaitReply(timeout: timeout(following.verb))
        }
        guard accepted else {
            return refused(reply, command: Self.name(verb), then: reply.code == 421 ? .close : .keepSession)
        }
        state = .transaction(transaction)
        return .send([SMTPCommand(following.line)], timeout: timeout(following.verb))
    }

    /// The message and its final dot are written: wait for the verdict.
    mutating func dataWritten() -> Action {
        guard state == .writingData else {
            return fail(.unavailable("\(server): data written out of turn in the SMTP dialogue"), then: .close)
        }
        state = .awaitingFinalReply
        return .awaitReply(timeout: timeouts.dataTermination)
    }

    /// 250 → delivered; else refused (the session kept unless the server said 421).
    mutating func finalReplyReceived(_ reply: SMTPReply) -> Action {
        guard reply.code == 250 else {
            return refused(reply, command: "the message's final dot", then: reply.code == 421 ? .close : .keepSession)
        }
        state = .ready
        return .delivered(SMTPReceipt(replyCode: reply.code, serverReply: reply.text))
    }

    private func timeout(_ verb: Transaction.Verb) -> Duration {
        switch verb {
        case .mail: return timeouts.mailFrom
        case .rcpt: return timeouts.rcptTo
        case .data: return timeouts.dataInitiation
        }
    }

    private static func accepts(_ verb: Transaction.Verb, _ code: Int) -> Bool {
        switch verb {
        case .mail: return code == 250
        case .rcpt: return code == 250 || code == 251
        case .data: return code == 354
        }
    }

    private static func name(_ verb: Transaction.Verb) -> String {
        switch verb {
        case .mail: return "MAIL FROM"
        case .rcpt: return "RCPT TO"
        case .data: return "DATA"
        }
    }
}
