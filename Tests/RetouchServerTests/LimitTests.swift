import Foundation
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
