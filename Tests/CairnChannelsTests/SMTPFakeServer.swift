import NIOCore
import NIOPosix
import Synchronization

/// A scripted SMTP server on NIO for behaviour no real server shows on demand (a STARTTLS
/// injection, silence after the final dot, 421 on an idle session). Each command line (upper-cased
/// verb and all) goes to `script`, which says what to answer; DATA's 354 switches to reading the
/// message until its dot, then `script` gets "<END OF DATA>".
final class SMTPFakeServer: Sendable {
    enum Action: Sendable {
        /// Writes these bytes (any number of replies, in one write).
        case reply(String)
        /// Writes these bytes, then closes the connection.
        case replyAndClose(String)
        /// Answers nothing.
        case silence
    }

    typealias Script = @Sendable (_ line: String, _ connection: Int) -> Action

    /// What the server saw: every line received (message lines excluded) and the connections made.
    private final class Recorder: Sendable {
        let state = Mutex<(lines: [String], connections: Int)>(([], 0))
    }

    let port: Int
    private let channel: any Channel
    private let recorder: Recorder

    /// Every line the server received, in order (message lines excluded).
    var lines: [String] { recorder.state.withLock { $0.lines } }
    /// How many connections were made.
    var connections: Int { recorder.state.withLock { $0.connections } }

    private init(port: Int, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.channel = channel
        self.recorder = recorder
    }

    static func start(
        greeting: String = "220 fake.test ESMTP\r\n",
        script: @escaping Script
    ) async throws -> SMTPFakeServer {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let serial = recorder.state.withLock { record in
                        record.connections += 1
                        return record.connections
                    }
                    let handler = LineHandler(greeting: greeting, connection: serial) { line, connection in
                        recorder.state.withLock { $0.lines.append(line) }
                        return script(line, connection)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return SMTPFakeServer(port: channel.localAddress?.port ?? 0, channel: channel, recorder: recorder)
    }

    func stop() async {
        try? await channel.close()
    }

    /// Splits a connection's bytes into lines and writes the script's answers.
    private final class LineHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let greeting: String
        private let connection: Int
        private let respond: (String, Int) -> Action
        private var buffer = ByteBuffer()
        private var inData = false

        init(greeting: String, connection: Int, respond: @escaping (String, Int) -> Action) {
            self.greeting = greeting
            self.connection = connection
            self.respond = respond
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer.writeBuffer(&bytes)
            while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - buffer.readerIndex + 1
                guard let raw = buffer.readString(length: length) else { return }
                var scalars = raw.unicodeScalars
                while let last = scalars.last, last == "\r" || last == "\n" { scalars.removeLast() }
                let line = String(scalars)
                if inData {
                    guard line == "." else { continue }
                    inData = false
                    act(respond("<END OF DATA>", connection), context: context)
                } else {
                    let action = respond(line, connection)
                    if case .reply(let text) = action, text.hasPrefix("354") || text.contains("\r\n354") {
                        inData = true
                    }
                    act(action, context: context)
                }
            }
        }

        private func act(_ action: Action, context: ChannelHandlerContext) {
            switch action {
            case .reply(let text):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
            case .replyAndClose(let text):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            case .silence:
                break
            }
        }
    }
}

extension SMTPFakeServer {
    /// A plain server that accepts every message (no extensions but those in `extensions`).
    static func accepting(
        extensions: [String] = [],
        override: @escaping @Sendable (String, Int) -> Action? = { _, _ in nil }
    ) -> Script {
        { line, connection in
            if let action = override(line, connection) { return action }
            let verb = line == "<END OF DATA>" ? line : line.prefix { $0 != " " && $0 != ":" }.uppercased()
            switch verb {
            case "EHLO":
                let lines = ["fake.test"] + extensions
                let text = lines.enumerated().map { index, item in
                    "250\(index == lines.count - 1 ? " " : "-")\(item)\r\n"
                }.joined()
                return .reply(text)
            case "HELO", "MAIL", "RCPT", "RSET", "NOOP": return .reply("250 2.0.0 OK\r\n")
            case "DATA": return .reply("354 go ahead\r\n")
            case "<END OF DATA>": return .reply("250 2.0.0 Ok: queued as FAKE\(connection)\r\n")
            case "QUIT": return .replyAndClose("221 2.0.0 bye\r\n")
            default: return .reply("502 5.5.1 unknown command\r\n")
            }
        }
    }
}
