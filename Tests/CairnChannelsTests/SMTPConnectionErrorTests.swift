import CairnChannels
import NIOCore
import NIOPosix
import Testing

/// A connection that cannot be made says why, in full (NIO's own text stopped at
/// "Connection errors: " in a message's error).
@Suite struct SMTPConnectionErrorTests {
    typealias Support = SMTPClientSecurityTests

    @Test func aRefusedConnectionNamesTheAddressAndTheReason() async throws {
        // A port that was free a moment ago: nothing listens on it.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        try await listener.close()
        let client = try Support.client("smtp://127.0.0.1:\(port)")
        let error = try #require(await Support.failure(client, Support.email(to: "ok@example.com")))
        await client.shutdown()
        #expect(error.kind == .transient)
        #expect(error.message.contains("127.0.0.1:\(port): Connection refused"), "\(error.message)")
        #expect(!error.message.hasSuffix(": "))
    }
}
