import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Defends the connection layer, before any route runs:
/// - a request head (request line and headers) must arrive in full within `headTimeout` of its
///   first byte, else the client gets 408 and the connection closes, so a client trickling
///   header bytes (slowloris) cannot hold a connection for long;
/// - a head over the decoder's size limits gets 431, any other unparsable request 400, each as a
///   JSON error, then the connection closes.
///
/// The idle time between requests on a kept-alive connection is the server's idle timeout, not
/// this one; the body's own deadline is `ServerSettings.bodyTimeoutSeconds`.
///
/// Two handlers share one `RequestHeadClock`: the first sees raw bytes (the first byte of a head
/// starts the clock), the second, after HTTP decoding, sees the head arrive (which stops it) and
/// the response end.
final class RequestHeadGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let clock: RequestHeadClock

    init(headTimeout: TimeAmount) {
        clock = RequestHeadClock(timeout: headTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            try context.pipeline.syncOperations.addHandler(RawBytesWatcher(clock: clock), position: .first)
        } catch {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { clock.headArrived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.responseEnded() }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            if case .headerOverflow = error {
                clock.reject(status: "431 Request Header Fields Too Large", code: "headers_too_large",
                             message: "the request headers are over this server's size limit; send fewer or shorter headers")
            } else {
                clock.reject(status: "400 Bad Request", code: "bad_request",
                             message: "the request is not valid HTTP/1.1 (\(error))")
            }
        }
        context.fireErrorCaught(error)
    }
}

/// Per-connection state of `RequestHeadGuard`, touched only on the connection's event loop.
final class RequestHeadClock {
    let timeout: TimeAmount
    /// The raw-bytes handler's context: where a refusal is written, below HTTP encoding.
    var rawContext: ChannelHandlerContext?
    private var heads = 0
    private var ends = 0
    private var deadline: Scheduled<Void>?
    private var rejected = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    /// Bytes arrived: when no request is open, they begin a head, and its clock starts.
    func bytesArrived() {
        guard heads == ends, deadline == nil, let context = rawContext else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            reject(status: "408 Request Timeout", code: "request_timeout",
                   message: "the request headers did not arrive within \(timeout.nanoseconds / 1_000_000_000) s")
        }
    }

    func headArrived() {
        heads += 1
        deadline?.cancel()
        deadline = nil
    }

    func responseEnded() { ends += 1 }

    func connectionClosed() {
        deadline?.cancel()
        deadline = nil
    }

    /// Writes a JSON error straight to the socket and closes the connection.
    func reject(status: String, code: String, message: String) {
        guard !rejected, let context = rawContext else { return }
        rejected = true
        deadline?.cancel()
        let body = APIError(.badRequest, code, message).jsonBody()
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.count)
        buffer.writeString(head)
        buffer.writeBytes(body)
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        context.close(promise: nil)
    }
}

/// First in the pipeline, so it sees the bytes as they come off the socket.
private final class RawBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let clock: RequestHeadClock

    init(clock: RequestHeadClock) { self.clock = clock }

    func handlerAdded(context: ChannelHandlerContext) { clock.rawContext = context }

    func handlerRemoved(context: ChannelHandlerContext) { clock.rawContext = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.bytesArrived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.connectionClosed()
        context.fireChannelInactive()
    }
}
