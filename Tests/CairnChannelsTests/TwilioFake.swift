import CairnChannels
import CairnTestFixtures
import Foundation
import NIOCore
import NIOPosix

/// `Tests/Peers/twilio_fake.py` run for one test on a free port of 127.0.0.1, with one account.
final class TwilioFake: Sendable {
    static let accountSid = "AC0123456789abcdef0123456789ABCDEF"
    static let authToken = "fake-auth-token-5f1c"

    /// Settings of the fake's account for a provider at `baseURL` (the fake's, or another peer's).
    static func settings(
        baseURL: String,
        token: String = authToken,
        from: String = "+15005550006"
    ) throws -> TwilioSettings {
        try TwilioSettings(accountSid: accountSid, authToken: token, from: from, baseURL: baseURL)
    }

    let peer: TestPeer
    var port: Int { peer.port }
    var directory: URL { peer.directory }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the fake spooled for an accepted message.
    struct Message: Decodable {
        var form: [String: String]
        var rawBody: String
        var authUser: String
        var authorization: String?
        var contentType: String?
        var sid: String
    }

    /// A request the fake received on `/_sink/…` (a status callback it sent to itself).
    struct Callback: Decodable {
        var path: String
        var signature: String?
        var contentType: String?
        var rawBody: String
    }

    private init(peer: TestPeer) {
        self.peer = peer
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    private var spool: URL { directory.appendingPathComponent("spool") }

    /// Starts a fake, runs `body` with it, stops it.
    static func with<Value>(_ body: (TwilioFake) async throws -> Value) async throws -> Value {
        let fake = try await start()
        do {
            let value = try await body(fake)
            await fake.stop()
            return value
        } catch {
            await fake.stop()
            throw error
        }
    }

    static func start() async throws -> TwilioFake {
        TwilioFake(
            peer: try await TestPeer.start(
                "twilio_fake.py",
                ["--port", "0", "--spool", "{dir}/spool", "--account", "\(accountSid):\(authToken)"]
            )
        )
    }

    func stop() async {
        await peer.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The next `count` sends to `to` fail with `status` (429, 500 or 503).
    func fail(to: String, count: Int, status: Int) async throws {
        let form = "to=\(to.replacingOccurrences(of: "+", with: "%2B"))&count=\(count)&status=\(status)"
        let answer = try await RawHTTP.post(port: port, path: "/_control/fail", form: form)
        guard answer == 200 else { throw Failure(description: "/_control/fail answered \(answer)") }
    }

    /// The messages accepted for `to`, in order.
    func messages(to: String) throws -> [Message] {
        try records(in: spool.appendingPathComponent(to))
    }

    /// Waits until the fake has received `count` callbacks (a condition, not a time); all of them.
    func waitForCallbacks(count: Int) async throws -> [Callback] {
        let folder = spool.appendingPathComponent("_callbacks")
        for _ in 0..<500 {
            let callbacks: [Callback] = try records(in: folder)
            if callbacks.count >= count { return callbacks }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "fewer than \(count) status callbacks arrived")
    }

    private func records<Record: Decodable>(in folder: URL) throws -> [Record] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let numbers = names.compactMap { $0.hasSuffix(".json") ? Int($0.dropLast(5)) : nil }.sorted()
        return try numbers.map { number in
            let data = try Data(contentsOf: folder.appendingPathComponent("\(number).json"))
            return try JSONDecoder().decode(Record.self, from: data)
        }
    }
}

/// A one-shot HTTP/1.1 POST over a plain NIO socket, for the fake's control endpoint.
enum RawHTTP {
    /// The answer's status code.
    static func post(port: Int, path: String, form: String) async throws -> Int {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let request =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(form.utf8.count)\r\nConnection: close\r\n\r\n\(form)"
        let answer = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var answer = ByteBuffer()
            for try await var chunk in inbound { answer.writeBuffer(&chunk) }
            return String(buffer: answer)
        }
        // "HTTP/1.1 200 OK"
        let statusLine = answer.prefix { $0 != "\r" }.split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TwilioFake.Failure(description: "not an HTTP answer: \(answer.prefix(100))")
        }
        return status
    }
}

/// A TCP listener on 127.0.0.1 for one test (its port given to `body`), each connection handled by
/// what `handler` makes; without one, connections are accepted and never answered.
enum LoopbackServer {
    static func with(
        handler: (@Sendable () -> any ChannelHandler)? = nil,
        _ body: (Int) async throws -> Void
    ) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let handler { try channel.pipeline.syncOperations.addHandler(handler()) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never answers.
enum SilentServer {
    static func with(_ body: (Int) async throws -> Void) async throws {
        try await LoopbackServer.with(body)
    }
}

/// A TCP listener on 127.0.0.1 that reads what it is sent and hangs up without answering.
enum HangingUpServer {
    final class HangUp: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.close(promise: nil)
        }
    }

    static func with(_ body: (Int) async throws -> Void) async throws {
        try await LoopbackServer.with(handler: { HangUp() }, body)
    }
}

/// A TCP listener on 127.0.0.1 that answers whatever it is sent with `answer`, then hangs up.
enum FixedAnswerServer {
    final class Answer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: String
        var answered = false

        init(_ answer: String) {
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            let bytes = context.channel.allocator.buffer(string: answer)
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in context.close(promise: nil) }
        }
    }

    static func with(_ answer: String, _ body: (Int) async throws -> Void) async throws {
        try await LoopbackServer.with(handler: { Answer(answer) }, body)
    }
}
