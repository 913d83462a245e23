import CairnCore
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// The limits every connection lives under, so that no one can hold the server's descriptors
/// by connecting and sending little or nothing: a request's body must arrive within
/// `bodyTimeout` of its head (Hummingbird's idle timeout already bounds the wait for a head and
/// an idle keep-alive connection), no more than `maxConnections` are open at once, an answer
/// that says `Connection: close` closes the connection (without reading the rest of a body
/// refused as too large), and an HTTP/1.0 request without keep-alive gets its connection closed
/// after the answer.
public struct ConnectionLimits: Sendable {
    public var bodyTimeout: Duration
    public var maxConnections: Int
    let open = OpenConnections()

    public init(bodyTimeout: Duration, maxConnections: Int) {
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }

    /// The handlers for one new connection.
    func handlers() -> [any RemovableChannelHandler] {
        [ConnectionGuard(limits: self)]
    }
}

/// How many connections are open now, across the server.
final class OpenConnections: Sendable {
    private let count = Atomic(0)

    /// Counts a new connection; false (and not counted) when `limit` are open already.
    func admit(limit: Int) -> Bool {
        if count.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        count.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func release() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }
}

/// One connection's guard, on the connection's event loop (NIO handlers are not shared).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private var admitted = false
    private var bodyDeadline: Scheduled<Void>?
    /// A request head was read and its end not yet.
    private var readingBody = false
    private var closeAfterAnswer = false
    /// Set while writing Hummingbird's bare answer to a request the HTTP parser refused.
    private var parserRefusal = false

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard limits.open.admit(limit: limits.maxConnections) else {
            context.close(promise: nil)
            return
        }
        admitted = true
        // HTTP/1.0 needs the raw request head to tell keep-alive, which only the decoder's output has.
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            try? pipeline.addHandler(HTTP10KeepAlive(), position: .after(decoder))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyDeadline?.cancel()
        bodyDeadline = nil
        if admitted {
            admitted = false
            limits.open.release()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingBody = true
        case .end:
            readingBody = false
            bodyDeadline?.cancel()
            bodyDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// The deadline is set only for a request whose end did not come with its head (most come
    /// in one read), so that a small request costs no timer.
    func channelReadComplete(context: ChannelHandlerContext) {
        if readingBody, bodyDeadline == nil {
            let timeout = TimeAmount.nanoseconds(limits.bodyTimeout.nanoseconds)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            bodyDeadline = context.eventLoop.scheduleTask(in: timeout) {
                // The body did not arrive in time: the connection is dropped, whatever was read.
                loopBound.value.close(promise: nil)
            }
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response):
            if response.headerFields[.connection]?.lowercased() == "close" { closeAfterAnswer = true }
            if response.status == .badRequest, response.headerFields[.contentLength] == "0",
                response.headerFields[.contentType] == nil
            {
                // Hummingbird answers a request its HTTP parser refused with an empty 400: say why, in JSON.
                parserRefusal = true
                response.headerFields[.contentType] = "application/json"
                response.headerFields[.contentLength] = String(Self.parserRefusalBody.readableBytes)
                context.write(wrapOutboundOut(.head(response)), promise: promise)
                return
            }
            context.write(data, promise: promise)
        case .end:
            if parserRefusal {
                parserRefusal = false
                context.write(wrapOutboundOut(.body(Self.parserRefusalBody)), promise: nil)
            }
            guard closeAfterAnswer else {
                context.write(data, promise: promise)
                return
            }
            context.writeAndFlush(data, promise: promise)
            // Output first: the client reads the whole answer before anything resets the connection
            // (closing with its upload unread would). The rest goes a little later.
            context.close(mode: .output, promise: nil)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .seconds(2)) { loopBound.value.close(promise: nil) }
        case .body:
            context.write(data, promise: promise)
        }
    }
}

extension ConnectionGuard {
    static let parserRefusalBody = ByteBuffer(
        string: #"{"code":"malformed_request","message":"The request is not valid HTTP/1.1 (its framing or headers "#
            + #"could not be read); nothing was accepted.","success":false}"#
    )
}

/// Marks an HTTP/1.0 request without keep-alive `Connection: close`, so that its connection
/// closes after the answer as HTTP/1.0 says (the server behind reads only that header).
final class HTTP10KeepAlive: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
