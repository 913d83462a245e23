import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Connections that send little or nothing are closed by the server within their limits (set
/// to 1–2 seconds here), counted with real sockets on loopback. Each probe waits for the
/// server to close the connection (a condition), with a ceiling far past the limit.
@Suite struct ConnectionLimitTests {
    /// Runs a Python socket probe against the server; it prints what happened.
    static func probe(_ body: String, port: Int) async throws -> String {
        let script = """
            import socket, sys, time
            def connect():
                return socket.create_connection(("127.0.0.1", \(port)), timeout=15)
            def closed_within(s, ceiling):
                # Seconds until the server closes the connection (reading whatever it answers first).
                start = time.time()
                s.settimeout(ceiling)
                try:
                    while s.recv(65536):
                        pass
                    return time.time() - start
                except (socket.timeout, TimeoutError):
                    return None
                except ConnectionResetError:
                    return time.time() - start
            \(body)
            """
        let output = try await CairnBinary.runTool("python3", ["-c", script])
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + output.stderr
    }

    @Test func silentTricklingAndKeptAliveConnectionsAreClosedAndExtraOnesRefused() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("limits.sqlite").path)
        let server = try await RunningServer.start(
            database: database,
            extraArguments: ["--http-idle-timeout", "1", "--http-body-timeout", "2", "--http-max-connections", "3"]
        )
        let port = server.port
        // Nothing sent at all.
        let silent = try await Self.probe(
            """
            s = connect()
            t = closed_within(s, 12)
            print("closed" if t is not None and t < 8 else "open")
            """,
            port: port
        )
        #expect(silent == "closed")
        // A request head at one byte every 0.3 s never completes in time.
        let trickledHead = try await Self.probe(
            """
            s = connect()
            start = time.time()
            try:
                for byte in b"GET /health HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: " + b"a" * 60:
                    s.sendall(bytes([byte]))
                    time.sleep(0.3)
                print("open")
            except (BrokenPipeError, ConnectionResetError):
                print("closed" if time.time() - start < 10 else "late")
            """,
            port: port
        )
        #expect(trickledHead == "closed")
        // A body shorter than its Content-Length.
        let shortBody = try await Self.probe(
            """
            s = connect()
            s.sendall(b"POST /v1/track HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 100\\r\\n\\r\\n{\\"a\\":")
            t = closed_within(s, 12)
            print("closed" if t is not None and t < 8 else "open")
            """,
            port: port
        )
        #expect(shortBody == "closed")
        // An HTTP/1.0 request without keep-alive: answered, then closed at once.
        let http10 = try await Self.probe(
            """
            s = connect()
            s.sendall(b"GET /health HTTP/1.0\\r\\n\\r\\n")
            t = closed_within(s, 12)
            print("closed" if t is not None and t < 0.8 else "open")
            """,
            port: port
        )
        #expect(http10 == "closed")
        // Three open connections are the limit: a fourth is closed as it arrives.
        let capped = try await Self.probe(
            """
            held = [connect() for _ in range(3)]
            time.sleep(0.2)
            extra = connect()
            t = closed_within(extra, 12)
            print("closed" if t is not None and t < 0.8 else "open")
            """,
            port: port
        )
        #expect(capped == "closed")
        // And the server still answers once they are gone.
        let health = try await server.withClient { client in try await client.get("/health").status }
        #expect(health == .ok)
        #expect(await server.stop() == 0)
    }
}
