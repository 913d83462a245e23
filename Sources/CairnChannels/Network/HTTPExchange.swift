import AsyncHTTPClient
import CairnCore
import NIOCore
import NIOHTTP1
import Synchronization

/// One request to a provider's HTTP API through AsyncHTTPClient's delegate, which tells what the async API does
/// not: whether the whole request was written before the exchange failed or ran out of time.
/// After that, the provider may have taken the message, and sending it again may send it twice.
final class HTTPExchange: HTTPClientResponseDelegate {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// An answer longer than this is not Twilio's.
    struct AnswerTooLong: Error {}

    private struct State {
        var requestSent = false
        var status = 0
        var headers = HTTPHeaders()
        var body = ByteBuffer()
    }

    private let maximumAnswerBytes: Int
    private let state = Mutex(State())

    init(maximumAnswerBytes: Int) {
        self.maximumAnswerBytes = maximumAnswerBytes
    }

    /// Whether the request was written whole (its body's last byte handed to the connection).
    var requestSent: Bool { state.withLock { $0.requestSent } }

    func didSendRequest(task: HTTPClient.Task<Answer>) {
        state.withLock { $0.requestSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<Answer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { state in
            state.status = Int(head.status.code)
            state.headers = head.headers
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Answer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let fits = state.withLock { state in
            guard state.body.readableBytes + buffer.readableBytes <= maximumAnswerBytes else { return false }
            var buffer = buffer
            state.body.writeBuffer(&buffer)
            return true
        }
        return fits ? task.eventLoop.makeSucceededVoidFuture() : task.eventLoop.makeFailedFuture(AnswerTooLong())
    }

    func didFinishRequest(task: HTTPClient.Task<Answer>) throws -> Answer {
        state.withLock { Answer(status: $0.status, headers: $0.headers, body: $0.body) }
    }

    /// Sends `request` through `client` with this delegate: the status, headers and whole body of
    /// the answer, or an error (`HTTPClientError.deadlineExceeded` past `timeout`, on `clock`).
    func run(
        _ request: HTTPClient.Request,
        client: HTTPClient,
        timeout: Duration,
        clock: any CairnClock
    ) async throws
        -> Answer
    {
        let task = client.execute(request: request, delegate: self, deadline: NIODeadline.now() + TimeAmount(timeout))
        return try await withThrowingTaskGroup(of: Answer?.self) { group in
            group.addTask { try await task.get() }
            group.addTask {
                try await clock.sleep(for: timeout)
                return nil
            }
            defer {
                group.cancelAll()
                task.cancel()
            }
            guard let first = try await group.next(), let answer = first else { throw HTTPClientError.deadlineExceeded }
            return answer
        }
    }

    /// Sends `request` as `run` does, with its failures as a provider's: no answer is
    /// `unavailable` (`provider` names it in the sentence: "FCM unreachable: …"), an unknown
    /// outcome once the whole request was written (the provider may have taken it).
    static func send(
        _ request: HTTPClient.Request,
        client: HTTPClient,
        maximumAnswerBytes: Int,
        timeout: Duration,
        clock: any CairnClock,
        provider: String
    ) async throws(ProviderError) -> Answer {
        let exchange = HTTPExchange(maximumAnswerBytes: maximumAnswerBytes)
        do {
            return try await exchange.run(request, client: client, timeout: timeout, clock: clock)
        } catch {
            let what = (error as? HTTPClientError) == .deadlineExceeded ? "no answer within \(timeout)" : "\(error)"
            var failure = ProviderError.unavailable("\(provider) unreachable: \(what)")
            if exchange.requestSent { failure.kind = .unknownOutcome }
            throw failure
        }
    }
}
