import CairnCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Connections that send little or nothing are closed by the server within their limits (a
/// 3 s idle timeout and a 2 s body timeout here), watched with real sockets on loopback. Each
/// probe waits for the server to close the connection (a condition), with a ceiling well past
/// the limit, and checks that it did not close before the limit either, where that matters.
@Suite struct ConnectionLimitTests {
    /// Runs a Python socket probe against the server; it prints what happened.
    static func probe(_ body: String, port: Int) async throws -> String {
        let script = """
            import socket, sys, time
            def connect():
                return socket.create_connection(("127.0.0.1", \(port)), timeout=30)
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
            def answer(s):
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    data += s.recv(65536)
                head, _, rest = data.partition(b"\\r\\n\\r\\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length:")]
                while length and len(rest) < length[0]:
                    rest += s.recv(65536)
                return head.split(b" ")[1].decode()
            \(body)
            """
        let output = try await CairnBinary.runTool("python3", ["-c", script])
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + output.stderr
    }

    @Test func connectionsThatSendLittleOrNothingAreClosedAndExtraOnesRefused() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("limits.sqlite").path)
        let server = try await RunningServer.start(
            database: database,
            extraArguments: ["--http-idle-timeout", "3", "--http-body-timeout", "2", "--http-max-connections", "3"]
        )
        let port = server.port
        // Nothing sent at all: closed at the idle timeout.
        #expect(
            try await Self.probe(
                """
                t = closed_within(connect(), 30)
                print("closed" if t is not None and 2 < t < 20 else f"wrong {t}")
                """,
                port: port
            ) == "closed"
        )
        // A request head at one byte every 0.3 s never completes in time.
        #expect(
            try await Self.probe(
                """
                s = connect()
                start = time.time()
                try:
                    for byte in b"GET /health HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: " + b"a" * 100:
                        s.sendall(bytes([byte]))
                        time.sleep(0.3)
                    print("open")
                except (BrokenPipeError, ConnectionResetError):
                    print("closed" if time.time() - start < 20 else "late")
                """,
                port: port
            ) == "closed"
        )
        // A body at one byte every 0.3 s (each byte keeps the connection from looking idle):
        // the body timeout ends it.
        #expect(
            try await Self.probe(
                """
                s = connect()
                s.sendall(b"POST /v1/track HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 100\\r\\n\\r\\n")
                start = time.time()
                try:
                    for _ in range(100):
                        s.sendall(b" ")
                        time.sleep(0.3)
                    print("open")
                except (BrokenPipeError, ConnectionResetError):
                    t = time.time() - start
                    print("closed" if 1.5 < t < 20 else f"wrong {t}")
                """,
                port: port
            ) == "closed"
        )
        // A kept-alive connection, answered, then silent: closed at the idle timeout.
        #expect(
            try await Self.probe(
                """
                s = connect()
                s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                status = answer(s)
                t = closed_within(s, 30)
                print("closed" if status == "200" and t is not None and 2 < t < 20 else f"wrong {status} {t}")
                """,
                port: port
            ) == "closed"
        )
        // An HTTP/1.0 request without keep-alive: answered, then closed at once (well before the idle timeout).
        #expect(
            try await Self.probe(
                """
                s = connect()
                s.sendall(b"GET /health HTTP/1.0\\r\\n\\r\\n")
                t = closed_within(s, 30)
                print("closed" if t is not None and t < 2 else f"wrong {t}")
                """,
                port: port
            ) == "closed"
        )
        // Three open connections are the limit: a fourth is closed as it arrives (well before the idle timeout).
        #expect(
            try await Self.probe(
                """
                held = []
                for _ in range(3):
                    s = connect()
                    s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                    answer(s)
                    held.append(s)
                t = closed_within(connect(), 30)
                print("closed" if t is not None and t < 2 else f"wrong {t}")
                """,
                port: port
            ) == "closed"
        )
        // And the server still answers once they are gone.
        let health = try await server.withClient { client in try await client.get("/health").status }
        #expect(health == .ok)
        #expect(await server.stop() == 0)
    }
}
