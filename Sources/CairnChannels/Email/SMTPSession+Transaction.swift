import NIOCore

/// A failed transaction, and whether its session can still carry the next message (after RSET).
struct SMTPTransactionFailure: Error {
    var error: SMTPError
    var sessionUsable: Bool
}

extension SMTPSession {
    /// The write size of the message's data; each write has the data-block timeout.
    static let dataBlockSize = 64 * 1024

    /// One message: MAIL FROM, RCPT TO each recipient, DATA (pipelined when offered), the
    /// dot-stuffed message and its final dot.
    mutating func deliver(_ email: ComposedEmail) async throws(SMTPTransactionFailure) -> SMTPReceipt {
        let envelope = [email.envelopeFrom] + email.recipients
        guard !email.recipients.isEmpty,
            envelope.allSatisfy({ EmailAddress.isValid(address: Substring($0)) || $0.isEmpty })
        else {
            let error = SMTPError(kind: .permanent, message: "the envelope's addresses are not valid: \(envelope)")
            throw SMTPTransactionFailure(error: error, sessionUsable: true)
        }
        let needsUTF8 = email.needsSMTPUTF8 || envelope.contains { $0.utf8.contains { $0 >= 0x80 } }
        guard !needsUTF8 || extensions.smtpUTF8 else {
            let error = SMTPError(kind: .permanent, message: "the server does not accept internationalised addresses")
            throw SMTPTransactionFailure(error: error, sessionUsable: true)
        }
        var parameters = needsUTF8 ? " SMTPUTF8" + (extensions.eightBitMIME ? " BODY=8BITMIME" : "") : ""
        if let limit = extensions.sizeLimit {
            guard email.bytes.count <= limit else {
                let error = SMTPError(
                    kind: .permanent,
                    message: "the message of \(email.bytes.count) bytes is larger than \(server) accepts (\(limit))"
                )
                throw SMTPTransactionFailure(error: error, sessionUsable: true)
            }
            parameters += " SIZE=\(email.bytes.count)"
        }
        needsReset = true
        let commands = ["MAIL FROM:<\(email.envelopeFrom)>\(parameters)"] + email.recipients.map { "RCPT TO:<\($0)>" }
        var step = "MAIL FROM"
        var finalDotSent = false
        do {
            if extensions.pipelining {
                try await sendPipelined(commands)
            } else {
                try await sendOneByOne(commands)
            }
            step = "the message's data"
            let data = SMTPDotStuffing.stuff(email.bytes)
            var offset = 0
            while offset < data.count {
                let end = min(offset + Self.dataBlockSize, data.count)
                let block = connection.channel.allocator.buffer(bytes: data[offset..<end])
                try await connection.write(block, timeout: settings.timeouts.dataBlock)
                offset = end
            }
            finalDotSent = true
            step = "the reply to the final dot"
            let reply = try await connection.readReply(timeout: settings.timeouts.dataTermination)
            guard reply.code == 250 else {
                let error = SMTPError(reply: reply, command: "the message's final dot", server: server)
                throw SMTPTransactionFailure(error: error, sessionUsable: reply.code != 421)
            }
            return SMTPReceipt(replyCode: reply.code, serverReply: reply.text)
        } catch let failure as SMTPTransactionFailure {
            if !failure.sessionUsable { connection.close() }
            throw failure
        } catch {
            connection.close()
            let failure = SMTPWireFailure.classify(error).error(
                server: server,
                during: step,
                afterFinalDot: finalDotSent
            )
            throw SMTPTransactionFailure(error: failure, sessionUsable: false)
        }
    }

    /// MAIL, every RCPT and DATA in one write, their replies read in order (RFC 2920).
    private func sendPipelined(_ commands: [String]) async throws {
        let timeouts = settings.timeouts
        try await connection.send(commands + ["DATA"], timeout: timeouts.mailFrom)
        let mailReply = try await connection.readReply(timeout: timeouts.mailFrom)
        var firstFailure =
            mailReply.code == 250 ? nil : SMTPError(reply: mailReply, command: "MAIL FROM", server: server)
        for _ in commands.dropFirst() {
            let reply = try await connection.readReply(timeout: timeouts.rcptTo)
            if firstFailure == nil, !(250...251).contains(reply.code) {
                firstFailure = SMTPError(reply: reply, command: "RCPT TO", server: server)
            }
        }
        let dataReply = try await connection.readReply(timeout: timeouts.dataInitiation)
        if let firstFailure {
            // A server that still said 354 waits for a message no one should get: drop the session.
            let usable = dataReply.code != 354 && mailReply.code != 421 && firstFailure.replyCode != 421
            throw SMTPTransactionFailure(error: firstFailure, sessionUsable: usable)
        }
        guard dataReply.code == 354 else {
            let error = SMTPError(reply: dataReply, command: "DATA", server: server)
            throw SMTPTransactionFailure(error: error, sessionUsable: dataReply.code != 421)
        }
    }

    /// MAIL, each RCPT and DATA, each waiting for its reply before the next.
    private func sendOneByOne(_ commands: [String]) async throws {
        let timeouts = settings.timeouts
        for (index, command) in (commands + ["DATA"]).enumerated() {
            let name = index == 0 ? "MAIL FROM" : index == commands.count ? "DATA" : "RCPT TO"
            let timeout =
                index == 0 ? timeouts.mailFrom : index == commands.count ? timeouts.dataInitiation : timeouts.rcptTo
            try await connection.send(command, timeout: timeout)
            let reply = try await connection.readReply(timeout: timeout)
            let expected = name == "DATA" ? 354...354 : name == "RCPT TO" ? 250...251 : 250...250
            guard expected.contains(reply.code) else {
                let error = SMTPError(reply: reply, command: name, server: server)
                throw SMTPTransactionFailure(error: error, sessionUsable: reply.code != 421)
            }
        }
    }
}
