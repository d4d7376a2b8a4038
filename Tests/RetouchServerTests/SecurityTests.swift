import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RetouchCodecs
import ServiceLifecycle
import Testing
@testable import RetouchServer

@Suite("Connection-level defences: header size and time limits, loopback by default")
struct SecurityTests {
    @Test("headers over the size limit get 431 JSON and a closed connection")
    func oversizedHeaders() async throws {
        let server = try await TestServer { $0.maxHeaderBytes = 4096 }
        let reply = try await server.liveApplication.test(.live) { client in
            let head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "a", count: 8000))\r\n\r\n"
            return try await RawSocket.exchange(port: try #require(client.port), Array(head.utf8))
        }
        #expect(reply.hasPrefix("HTTP/1.1 431"), "\(reply.prefix(200))")
        #expect(reply.contains("headers_too_large"))
    }

    @Test("a request head trickling in past the head timeout gets 408 and the connection closes")
    func slowHeaders() async throws {
        let server = try await TestServer { $0.headTimeoutSeconds = 1 }
        let start = ContinuousClock.now
        let reply = try await server.liveApplication.test(.live) { client in
            // Never finished: no blank line ends the head.
            try await RawSocket.exchange(port: try #require(client.port),
                                         Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1".utf8))
        }
        #expect(reply.hasPrefix("HTTP/1.1 408"), "\(reply.prefix(200))")
        #expect(reply.contains("request_timeout"))
        #expect(ContinuousClock.now - start < .seconds(9), "closed by the server, not by the client's own 10 s timeout")
    }

    @Test("a kept-alive connection serves request after request; the head clock only runs while a head arrives")
    func keepAliveUnaffected() async throws {
        let server = try await TestServer { $0.headTimeoutSeconds = 1 }
        try await server.liveApplication.test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await Task.sleep(for: .milliseconds(1500))
            }
        }
    }

    @Test("serve listens on loopback unless told otherwise")
    func loopbackByDefault() async throws {
        #expect(ServerSettings().host == "127.0.0.1")
        #expect(ServerSettings.isLoopback(ServerSettings().host))
        let directory = try scratchDirectory()
        let server = try RetouchProcess(["serve", "--port", "0", "--db", directory + "/r.sqlite", "--blobs", directory + "/b"],
                                        logPath: directory + "/serve.log")
        try await server.waitForLog("listening on http://")
        #expect(server.log.contains("listening on http://127.0.0.1:"), "\(server.log)")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}

@Suite("Graceful shutdown")
struct DrainTests {
    @Test("after SIGTERM /readyz answers 503 draining for the drain period while requests are still served; then the server stops")
    func readyzWhileDraining() async throws {
        let server = try await TestServer {
            $0.port = 0
            $0.drainSeconds = 10
        }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = server.api.makeApplication(logger: quietLogger) { portSink.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app, server.api.drainService()], logger: quietLogger))
        let running = Task { try await group.run() }
        var port = 0
        for await value in ports { port = value; break }
        let auth = server.auth
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            #expect(try await client.get("/readyz").status == .ok)
            await group.triggerGracefulShutdown()
            for _ in 0..<500 where !server.api.isDraining { try await Task.sleep(for: .milliseconds(10)) }
            let readiness = try await client.get("/readyz")
            #expect(readiness.status == .serviceUnavailable)
            #expect(try apiJSON(Readiness.self, readiness.body).status == "draining")
            #expect(try await client.get("/healthz").status == .ok, "still alive")
            var headers = auth
            headers[.contentType] = "image/png"
            let upscaled = try await client.post("/v1/upscale", headers: headers, body: ByteBuffer(bytes: try testImage()))
            #expect(upscaled.status == .ok, "work is still served while draining")
        }
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let status = try await client.get("/readyz").status
            #expect(status == .serviceUnavailable, "new connections too, until the listener closes")
        }
        try await running.value
        #expect(throws: (any Error).self, "the listener is closed once the drain period is over") {
            close(try RawSocket.connect(port: port))
        }
        try await server.close()
    }
}

extension Readiness: Decodable {
    enum CodingKeys: String, CodingKey { case status, checks }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(status: try container.decode(String.self, forKey: .status),
                  checks: try container.decode([String: String].self, forKey: .checks))
    }
}

extension TestServer {
    /// The application as `retouch serve` builds it, connection handlers included (the live test
    /// harness picks a free port).
    var liveApplication: some ApplicationProtocol {
        api.makeApplication(logger: quietLogger)
    }
}
