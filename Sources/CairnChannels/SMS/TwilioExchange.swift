import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// One request to Twilio through AsyncHTTPClient's delegate, which tells what the async API does
/// not: whether the whole request was written before the exchange failed or ran out of time.
/// After that, Twilio may have taken the message, and sending it again may send it twice.
final class TwilioExchange: HTTPClientResponseDelegate {
    struct Answer: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    /// An answer longer than this is not Twilio's.
    struct AnswerTooLong: Error {}

    private struct State {
        var requestSent = false
        var status = 0
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
        state.withLock { $0.status = Int(head.status.code) }
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
        state.withLock { Answer(status: $0.status, body: $0.body) }
    }
}
