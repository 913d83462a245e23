import CairnChannels
import CairnTestFixtures
import Testing

/// A connection that cannot be made says why, in full (NIO's own text stopped at
/// "Connection errors: " in a message's error).
@Suite struct SMTPConnectionErrorTests {
    typealias Support = SMTPClientSecurityTests

    @Test func aRefusedConnectionNamesTheAddressAndTheReason() async throws {
        // A port held bound but not listening: refused, and no other test's server can take it
        // meanwhile (as one could take a port only found free a moment ago).
        let reservation = try PortReservation()
        defer { reservation.release() }
        let port = reservation.port
        let client = try Support.client("smtp://127.0.0.1:\(port)")
        let error = try #require(await Support.failure(client, Support.email(to: "ok@example.com")))
        await client.shutdown()
        #expect(error.kind == .transient)
        #expect(error.message.contains("127.0.0.1:\(port): Connection refused"), "\(error.message)")
        #expect(!error.message.hasSuffix(": "))
    }
}
