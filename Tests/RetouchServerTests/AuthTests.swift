import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCore
import Testing
@testable import RetouchServer

@Suite("Bearer API keys")
struct AuthTests {
    private func probe(_ server: TestServer, headers: HTTPFields, uri: String = "/v1/models") async throws -> (HTTPResponse.Status, ErrorBody.Detail?, String?) {
        try await server.withRouter { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { response in
                (response.status, response.status.code >= 400 ? response.errorBody() : nil,
                 response.headers[.wwwAuthenticate])
            }
        }
    }

    @Test("no key, a malformed header, a wrong key: 401 JSON with WWW-Authenticate")
    func rejected() async throws {
        let server = try await TestServer()
        let wrong = APIKey.generate().text
        let sameIDWrongSecret = String(server.key.dropLast(4)) + "0000"
        for headers: HTTPFields in [[:], [.authorization: "Basic abc"], [.authorization: "Bearer \(wrong)"],
                                    [.authorization: "Bearer \(sameIDWrongSecret)"], [.authorization: "Bearer nonsense"]] {
            let (status, error, challenge) = try await probe(server, headers: headers)
            #expect(status == .unauthorized, "\(headers)")
            #expect(error?.code == "unauthorized")
            #expect(challenge == "Bearer")
        }
        #expect(try await probe(server, headers: server.auth).0 == .ok)
    }

    @Test("a revoked key gets 401 saying so; other keys keep working")
    func revoked() async throws {
        let server = try await TestServer()
        let (record, other) = try await server.keys.create(name: "second")
        _ = try await server.keys.revoke(id: record.id)
        let (status, error, _) = try await probe(server, headers: [.authorization: "Bearer \(other.text)"])
        #expect(status == .unauthorized)
        #expect(error?.message.contains("revoked") == true)
        #expect(try await probe(server, headers: server.auth).0 == .ok)
        let listed = try await server.keys.list()
        #expect(listed.map(\.id).contains(record.id) && listed.first { $0.id == record.id }?.isRevoked == true)
    }

    @Test("a key used before its revocation works until its cache entry expires, then gets 401; with no cache at once")
    func revokedWhileCached() async throws {
        let clock = ManualClock()
        let server = try await TestServer()
        let (record, key) = try await server.keys.create(name: "cached")
        let cache = KeyVerdictCache(seconds: 10, now: { clock.seconds })
        #expect(try await cache.verify(key.text, in: server.keys).validID == record.id)
        _ = try await server.keys.revoke(id: record.id)
        clock.seconds = 9.9
        #expect(try await cache.verify(key.text, in: server.keys).validID == record.id, "trusted within the window")
        clock.seconds = 10.1
        #expect(try await cache.verify(key.text, in: server.keys) == .revoked)

        let uncached = try await TestServer { $0.keyCacheSeconds = 0 }
        let (second, secondKey) = try await uncached.keys.create(name: "uncached")
        let headers: HTTPFields = [.authorization: "Bearer \(secondKey.text)"]
        #expect(try await probe(uncached, headers: headers).0 == .ok)
        _ = try await uncached.keys.revoke(id: second.id)
        #expect(try await probe(uncached, headers: headers).0 == .unauthorized)
    }

    @Test("the cache keeps only valid keys, never more than its capacity, and wrong secrets never pass")
    func cacheBounds() async throws {
        let server = try await TestServer()
        let cache = KeyVerdictCache(seconds: 60, capacity: 2)
        var keys: [APIKey] = []
        for n in 0..<3 { keys.append(try await server.keys.create(name: "k\(n)").key) }
        for key in keys { #expect(try await cache.verify(key.text, in: server.keys).validID == key.id) }
        #expect(cache.count <= 2)
        let wrongSecret = String(keys[2].text.dropLast(4)) + "0000"
        #expect(try await cache.verify(wrongSecret, in: server.keys) == .invalid)
        #expect(try await cache.verify(APIKey.generate().text, in: server.keys) == .invalid)
        #expect(cache.count <= 2)
    }

    @Test("a key in the query string is refused, even a valid one, even on a public route",
          arguments: ["/v1/models?api_key=KEY", "/v1/models?token=KEY", "/healthz?x=KEY"])
    func keyInQuery(uri: String) async throws {
        let server = try await TestServer()
        let (status, error, _) = try await probe(server, headers: server.auth,
                                                  uri: uri.replacingOccurrences(of: "KEY", with: server.key))
        #expect(status == .badRequest)
        #expect(error?.code == "api_key_in_url")
        #expect(error?.message.contains("Authorization: Bearer") == true)
    }

    @Test("keys are stored as SHA-256 hashes, never in clear")
    func storedHashed() async throws {
        let server = try await TestServer()
        let file = try Data(contentsOf: URL(fileURLWithPath: server.directory + "/retouch.sqlite"))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: server.directory + "/retouch.sqlite-wal"))) ?? Data()
        let secret = try #require(APIKey(parsing: server.key)).secret
        #expect(file.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
        #expect(file.range(of: Data(APIKey.hash(server.key).utf8)) != nil
                || wal.range(of: Data(APIKey.hash(server.key).utf8)) != nil)
    }

    @Test("digests compare equal only when equal")
    func constantTimeCompare() {
        let a = APIKey.hash("a"), b = APIKey.hash("b")
        #expect(APIKey.constantTimeEqual(a, a))
        #expect(!APIKey.constantTimeEqual(a, b))
        #expect(!APIKey.constantTimeEqual(a, String(a.dropLast())))
    }

    @Test("--no-auth works on loopback and is refused on other addresses")
    func noAuth() async throws {
        var settings = ServerSettings()
        settings.requireAuth = false
        let api = try RetouchAPI(settings: settings, resources: testResources(), keys: nil)
        try await Application(router: api.makeRouter().router, logger: quietLogger).test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { #expect($0.status == .ok) }
        }
        settings.host = "0.0.0.0"
        #expect(throws: RetouchError.self) { try RetouchAPI(settings: settings, resources: testResources(), keys: nil) }
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0.0
    var seconds: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

extension KeyVerdict {
    var validID: String? { if case .valid(let record) = self { record.id } else { nil } }
}
