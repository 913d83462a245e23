import CairnCore
import Foundation
import Testing

/// Requests written byte by byte to a real socket, as a broken or hostile client sends them:
/// malformed framing is the client's fault, answered 4xx with a JSON body, never 500.
@Suite struct RawHTTPTests {
    /// Sends `request` to the server and returns the status line and the body of its answer,
    /// and whether the server then closed the connection (within 10 s).
    static func send(_ request: String, port: Int) async throws -> (status: Int, body: String, closed: Bool) {
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(port)), timeout=10)
            s.sendall(sys.stdin.buffer.read())
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
                    if b"\\r\\n\\r\\n" in data:
                        head, _, rest = data.partition(b"\\r\\n\\r\\n")
                        length = [int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length:")]
                        if length and len(rest) >= length[0]: break
            except socket.timeout:
                pass
            closed = "open"
            try:
                s.settimeout(10)
                while s.recv(65536):
                    pass
                closed = "closed"
            except ConnectionResetError:
                closed = "closed"
            except (socket.timeout, TimeoutError):
                pass
            sys.stdout.write(closed + "\\n" + data.decode("utf-8", "replace"))
            """
        let output = try await CairnBinary.runTool("python3", ["-c", script], input: request)
        let (first, rest) = (output.stdout.prefix { $0 != "\n" }, output.stdout.drop { $0 != "\n" }.dropFirst())
        let status = Int(rest.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = rest.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, body, first == "closed")
    }

    @Test func malformedFramingIsA400WithAJSONBody() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("raw.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database)
        let track =
            "POST /track/hea/hea/HEA/v1/track HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + "auth-token: \(token)\r\ncontent-type: application/json\r\n"
        let requests = [
            // No credentials at all, a chunk size that is not hex.
            "POST /v1/track HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            track + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
            track + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
            track + "Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}",
            "POST /v1/track HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: identity\r\n"
                + "Authorization: Basic \(Data("\(token):".utf8).base64EncodedString())\r\n\r\n{}",
            "POST /v1/track/event?api_token=\(token) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: identity\r\n\r\n{}",
        ]
        for request in requests {
            let (status, body, _) = try await Self.send(request, port: server.port)
            #expect((400..<500).contains(status), "\(request.debugDescription) → \(status)")
            #expect(body.contains("\"code\""), "\(request.debugDescription) → \(body)")
        }
        #expect(await server.stop() == 0)
        // The client's faults are not logged as the server's errors.
        #expect(!server.log.contains(" error "), "\(server.log)")
    }

    @Test func aChunkedBodyPastTheLimitIsAnswered413AndTheConnectionClosed() async throws {
        let database = "sqlite:" + (try TemporaryDirectory.make().appendingPathComponent("limit.sqlite").path)
        let token = try await CairnBinary.createToken(database: database)
        let server = try await RunningServer.start(database: database, extraArguments: ["--max-body-bytes", "100"])
        let chunk = String(repeating: "x", count: 200)
        // Keep-alive, and the body never ends: only the server closing ends the read.
        let request =
            "POST /track/hea/hea/HEA/v1/track HTTP/1.1\r\nHost: x\r\nauth-token: \(token)\r\n"
            + "content-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nc8\r\n\(chunk)\r\n"
        let (status, body, closed) = try await Self.send(request, port: server.port)
        #expect(status == 413)
        #expect(body.contains("request_too_large"))
        #expect(closed, "the rest of the body is not waited for")
        #expect(await server.stop() == 0)
    }
}
