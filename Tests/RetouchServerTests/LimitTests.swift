import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RetouchServer

@Suite("Body, pixel and concurrency limits")
struct LimitTests {
    @Test("a body over --max-body-mb is 413 payload_too_large")
    func bodyTooLarge() async throws {
        let server = try await TestServer { $0.maxBodyBytes = 1000 }
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = "image/png"
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: [UInt8](repeating: 7, count: 5000))) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorBody()?.code == "payload_too_large")
            }
        }
    }

    @Test("an image over --max-pixels, or whose result would be over the output limit, is 413 from its header")
    func pixelLimits() async throws {
        for (maxPixels, maxOutput, scale) in [(300, 100_000, 2), (100_000, 1_000, 2)] {
            let server = try await TestServer {
                $0.maxPixels = maxPixels
                $0.maxOutputPixels = maxOutput
            }
            try await server.withRouter { client in
                var headers = server.auth
                headers[.contentType] = "image/png"
                try await client.execute(uri: "/v1/upscale?scale=\(scale)", method: .post, headers: headers,
                                         body: ByteBuffer(bytes: try testImage(width: 24, height: 16))) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(response.errorBody()?.code == "image_too_large")
                }
            }
        }
    }

    @Test("with every slot taken, a request gets 429 with Retry-After, and is served once a slot frees")
    func overload() async throws {
        let server = try await TestServer {
            $0.workers = 1
            $0.queue = 1
        }
        let limiter = server.api.limiter
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let (release, releasing) = AsyncStream.makeStream(of: Void.self)
        // Two requests' worth of slots (the one worker and the one queue place), held until the test lets go.
        let holder = Task {
            try await limiter.withSlot {
                try await limiter.withSlot {
                    holding.yield()
                    for await _ in release { break }
                }
            }
        }
        for await _ in held { break }
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = "image/png"
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: try testImage())) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.errorBody()?.code == "overloaded")
                let retryAfter = try #require(response.headers[.retryAfter].flatMap(Int.init))
                #expect((1...120).contains(retryAfter))
            }
            releasing.yield()
            try await holder.value
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: try testImage())) { #expect($0.status == .ok) }
        }
        #expect(server.api.limiter.inFlight == 0)
    }
}

@Suite("Slow clients")
struct SlowClientTests {
    @Test("a body that stops arriving gets 408 after the body timeout, and its slot is freed")
    func slowBody() async throws {
        let server = try await TestServer { $0.bodyTimeoutSeconds = 1 }
        let reply = try await server.application.test(.live) { client in
            let port = try #require(client.port)
            let head = "POST /v1/upscale HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(server.key)\r\n"
                + "Content-Type: image/png\r\nContent-Length: 1000\r\n\r\n"
            return try await RawSocket.exchange(port: port, Array(head.utf8) + [UInt8](repeating: 1, count: 10))
        }
        #expect(reply.hasPrefix("HTTP/1.1 408"), "\(reply)")
        #expect(reply.contains("request_timeout"))
        #expect(server.api.limiter.inFlight == 0)
    }
}

/// Sends bytes on a plain TCP connection and reads until the server closes it or 10 s pass:
/// for requests no HTTP client would send.
enum RawSocket {
    static func exchange(port: Int, _ bytes: [UInt8]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try exchangeBlocking(port: port, bytes) })
            }
        }
    }

    /// A connected socket to 127.0.0.1:port; the caller closes it.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawSocketError(step: "connect")
        }
        return fd
    }

    private static func exchangeBlocking(port: Int, _ bytes: [UInt8]) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw RawSocketError(step: "send") }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            reply += buffer[0..<n]
            if String(decoding: reply, as: UTF8.self).contains("}}") { break }
        }
        return String(decoding: reply, as: UTF8.self)
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    var step: String
    var description: String { "raw socket: \(step) failed (errno \(errno))" }
}
