@testable import CairnChannels

/// Builders for driving ``SMTPStateMachine`` by hand: settings, replies, and a machine brought to
/// the state a test starts from.
enum SMTPMachineSupport {
    static let server = "mx.example:25"

    static func settings(_ url: String = "smtp://mx.example:25?starttls=never") throws -> SMTPSettings {
        var settings = try SMTPSettings(url: url)
        settings.heloName = "cairn.test"
        return settings
    }

    /// A reply of `lines`, e.g. `reply(250, "mx.example", "PIPELINING")`.
    static func reply(_ code: Int, _ lines: String...) -> SMTPReply {
        SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines)
    }

    static func send(_ lines: String..., timeout: Duration) -> SMTPStateMachine.Action {
        .send(lines.map { SMTPCommand($0) }, timeout: timeout)
    }

    /// A machine greeted and past EHLO, whose server offered `extensions`: ready for messages.
    static func ready(
        extensions: [String],
        url: String = "smtp://mx.example:25?starttls=never"
    ) throws -> SMTPStateMachine {
        var machine = SMTPStateMachine(settings: try settings(url))
        _ = machine.connected()
        _ = machine.replyReceived(reply(220, "mx.example ESMTP"))
        let opened = machine.replyReceived(SMTPReply(code: 250, lines: ["mx.example"] + extensions))
        guard opened == .opened else { throw SupportFailure(description: "not opened: \(opened)") }
        return machine
    }

    static func email(to recipients: [String] = ["ann@example.com"], bytes: Int = 10) -> ComposedEmail {
        ComposedEmail(
            bytes: Array(repeating: UInt8(ascii: "x"), count: bytes),
            needsSMTPUTF8: false,
            envelopeFrom: "shop@cairn.example",
            recipients: recipients
        )
    }

    struct SupportFailure: Error, CustomStringConvertible {
        var description: String
    }
}
