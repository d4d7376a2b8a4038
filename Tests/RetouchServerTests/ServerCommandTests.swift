import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import Testing
@testable import RetouchServer

/// Runs `retouch` to completion and returns its status and output.
func runRetouch(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try retouchBinary()
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

func bytes(_ body: ByteBuffer?) -> [UInt8] {
    body.map { Array($0.readableBytesView) } ?? []
}

/// Decodes the API's snake_case JSON.
func apiJSON<T: Decodable>(_ type: T.Type, _ body: ByteBuffer?) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(type, from: Data(bytes(body)))
}

@Suite("retouch keys and retouch serve")
struct ServerCommandTests {
    @Test("keys create prints the key once; list shows it without the secret; revoke marks it")
    func keys() throws {
        let db = try scratchDirectory() + "/keys.sqlite"
        let created = try runRetouch(["keys", "create", "ci robot", "--db", db])
        #expect(created.status == 0, "\(created.stderr)")
        let key = try #require(APIKey(parsing: created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let listed = try runRetouch(["keys", "list", "--db", db])
        #expect(listed.stdout.contains(key.id) && listed.stdout.contains("ci robot") && listed.stdout.contains("active"))
        #expect(!listed.stdout.contains(key.secret))
        #expect(try runRetouch(["keys", "revoke", key.id, "--db", db]).status == 0)
        #expect(try runRetouch(["keys", "list", "--db", db]).stdout.contains("revoked"))
        let unknown = try runRetouch(["keys", "revoke", "000000000000", "--db", db])
        #expect(unknown.status != 0 && unknown.stderr.contains("no API key"))
    }

    @Test("serve: answers over loopback with the key, runs a job in-process, stops on SIGTERM with status 0")
    func serve() async throws {
        let directory = try scratchDirectory()
        let db = directory + "/retouch.sqlite"
        let key = try runRetouch(["keys", "create", "serve-test", "--db", db]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try RetouchProcess(["serve", "--port", "0", "--db", db, "--blobs", directory + "/blobs",
                                         "--log-format", "json"], logPath: directory + "/serve.log")
        try await server.waitForLog("listening on http://127.0.0.1:")
        let port = try #require(server.log.split(separator: "\n").first { $0.hasPrefix("retouch: listening on") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) })
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            #expect(try await client.get("/healthz").status == .ok)
            #expect(try await client.get("/v1/models").status == .unauthorized)
            let auth: HTTPFields = [.authorization: "Bearer \(key)"]
            var headers = auth
            headers[.contentType] = "image/png"
            let upscaled = try await client.post("/v1/upscale?scale=2", headers: headers,
                                                 body: ByteBuffer(bytes: try testImage(width: 20, height: 10)))
            #expect(upscaled.status == .ok)
            #expect(try ImageDecoder.probe(bytes(upscaled.body)).width == 40)

            let (body, contentType) = jobForm(images: [try testImage()])
            headers = auth
            headers[.contentType] = contentType
            let created = try await client.post("/v1/jobs", headers: headers, body: body)
            #expect(created.status == .accepted)
            let id = try apiJSON(JobJSON.self, created.body).id
            var state = ""
            for _ in 0..<600 where !["succeeded", "failed", "cancelled"].contains(state) {
                let job = try await client.get("/v1/jobs/\(id)", headers: auth)
                state = try apiJSON(JobJSON.self, job.body).state
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(state == "succeeded")
        }
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0, "\(server.log)")
        let lines = server.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil },
                "--log-format json writes one JSON object per line")
        #expect(lines.contains { $0.contains("\"request_id\"") && $0.contains("\"route\":\"/v1/upscale\"") })
    }
}
