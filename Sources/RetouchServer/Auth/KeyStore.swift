import Foundation
import RetouchCore

/// An API key as listed: never its secret.
public struct APIKeyRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, name: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// What checking a presented key found.
public enum KeyVerdict: Sendable, Equatable {
    case valid(APIKeyRecord)
    case revoked
    /// Unknown id, wrong secret or not a key at all: the cases are not told apart.
    case invalid
}

/// Where API keys live: the job store's database, so every server and worker sharing a queue
/// shares its keys.
public protocol KeyStore: Sendable {
    /// Creates a key and returns it; its text is shown once and cannot be recovered later.
    func create(name: String) async throws -> (record: APIKeyRecord, key: APIKey)
    /// Every key, active and revoked, oldest first.
    func list() async throws -> [APIKeyRecord]
    /// Revokes a key by id; requests with it get 401 from then on. Throws `not_found` for an unknown id.
    func revoke(id: String) async throws -> APIKeyRecord
    func verify(_ presented: String) async throws -> KeyVerdict
    /// Whether any key is active (a server with none can only answer 401, which it says).
    func hasActiveKeys() async throws -> Bool
}

extension KeyStore {
    /// Looks the presented key up by its id and compares digests in constant time.
    static func verdict(presented: String, stored: (record: APIKeyRecord, hash: String)?) -> KeyVerdict {
        guard let key = APIKey(parsing: presented), let stored, stored.record.id == key.id,
              APIKey.constantTimeEqual(key.hash, stored.hash) else { return .invalid }
        return stored.record.isRevoked ? .revoked : .valid(stored.record)
    }
}

/// Runs a key store operation, turning a database's own error into an I/O error that says what failed.
func withKeyStoreErrors<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RetouchError {
        throw error
    } catch {
        throw RetouchError(.io, "key store: cannot \(action): \(String(reflecting: error))")
    }
}

enum KeyNames {
    /// Names are labels for people; keep them printable and short.
    static func validated(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count), trimmed.unicodeScalars.allSatisfy({ !$0.properties.isDefaultIgnorableCodePoint && $0.value >= 0x20 && $0 != "\u{7F}" }) else {
            throw RetouchError(.invalidArgument, "a key name must be 1 to 100 printable characters, got `\(name.prefix(100))`")
        }
        return trimmed
    }
}
