import Foundation

/// Remembers keys found valid for a few seconds, so a client's requests after the first do not
/// each wait on the key store (a hop to the database's thread on SQLite, a round trip on
/// PostgreSQL; on SQLite that read cost more CPU than the rest of the request's handling).
/// The price: a key revoked with `retouch keys revoke` keeps working until its entry expires,
/// at most `seconds` later. Only valid verdicts are kept, under the SHA-256 of the presented
/// text, so neither secrets nor an attacker's guesses occupy memory.
final class KeyVerdictCache: @unchecked Sendable {
    let seconds: Double
    let capacity: Int
    private let now: @Sendable () -> Double
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    private struct Entry {
        var record: APIKeyRecord
        var expires: Double
    }

    /// - Parameters:
    ///   - seconds: how long a valid verdict is trusted; 0 asks the store every time.
    ///   - capacity: most keys remembered (one entry per distinct valid key in use).
    init(seconds: Double, capacity: Int = 10_000,
         now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.seconds = seconds
        self.capacity = max(1, capacity)
        self.now = now
    }

    /// Keys remembered now, expired ones included until they are swept.
    var count: Int { lock.withLock { entries.count } }

    func verify(_ presented: String, in store: any KeyStore) async throws -> KeyVerdict {
        guard seconds > 0 else { return try await store.verify(presented) }
        let digest = APIKey.hash(presented)
        if let record = remembered(digest) { return .valid(record) }
        let verdict = try await store.verify(presented)
        if case .valid(let record) = verdict { remember(digest, record) }
        return verdict
    }

    private func remembered(_ digest: String) -> APIKeyRecord? {
        let time = now()
        return lock.withLock {
            guard let entry = entries[digest], entry.expires > time else { return nil }
            return entry.record
        }
    }

    private func remember(_ digest: String, _ record: APIKeyRecord) {
        let time = now()
        lock.withLock {
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > time } }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = Entry(record: record, expires: time + seconds)
        }
    }
}
