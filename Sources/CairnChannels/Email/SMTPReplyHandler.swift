import NIOCore

/// The end of an SMTP connection's pipeline: collects the server's bytes, cuts them into replies
/// and hands them, one at a time, to whoever waits, with a deadline. Used on its event loop only.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let eventLoop: any EventLoop
    private var buffer = ByteBuffer()
    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiter: (promise: EventLoopPromise<SMTPReply>, deadline: Scheduled<Void>)?
    private var context: ChannelHandlerContext?
    /// The first failure; after it the connection is closed and every read fails.
    private(set) var failure: SMTPWireFailure?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Whether the server sent anything not yet read as a reply.
    var hasUnreadInput: Bool { buffer.readableBytes > 0 || !replies.isEmpty || parser.hasPartialReply }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        do {
            while let reply = try parser.next(from: &buffer) { replies.append(reply) }
        } catch {
            fail(error)
            return
        }
        buffer.discardReadBytes()
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(SMTPWireFailure.classify(error))
    }

    /// The next reply; fails with ``SMTPWireFailure/timedOut`` (and closes) after `timeout`.
    func nextReply(timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        if let previous = waiter {
            // One reader at a time: a second one is a bug of the session, failed rather than trapped.
            previous.deadline.cancel()
            previous.promise.fail(SMTPWireFailure.malformed("two readers of one SMTP connection"))
        }
        let deadline = eventLoop.assumeIsolated().scheduleTask(in: timeout) { self.fail(.timedOut) }
        waiter = (promise, deadline)
        return promise.futureResult
    }

    /// Records `failure` (the first one wins), fails the waiting reader and closes the connection.
    func fail(_ failure: SMTPWireFailure) {
        if self.failure == nil { self.failure = failure }
        if let waiter, let recorded = self.failure {
            self.waiter = nil
            waiter.deadline.cancel()
            waiter.promise.fail(recorded)
        }
        context?.close(promise: nil)
    }

    private func deliver() {
        guard let waiter, let reply = replies.popFirst() else { return }
        self.waiter = nil
        waiter.deadline.cancel()
        waiter.promise.succeed(reply)
    }
}
