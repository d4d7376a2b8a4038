import Foundation
import RetouchJobs
import RetouchPipeline

/// What the job endpoints need: the queue, the blobs, and the server's own pipeline config,
/// which each job's settings override key by key.
public struct JobServices: Sendable {
    public let store: any JobStore
    public let blobs: any BlobStore
    public let baseConfig: ConfigDocument
    let queueDepth: CachedValue<Int>

    public init(store: any JobStore, blobs: any BlobStore, baseConfig: ConfigDocument = ConfigDocument(source: "server defaults")) {
        self.store = store
        self.blobs = blobs
        self.baseConfig = baseConfig
        queueDepth = CachedValue(seconds: 1)
    }
}

/// A value recomputed at most once per interval, so a burst of submissions does not count the
/// whole queue on every request.
final class CachedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let seconds: Double
    private var cached: (value: Value, at: ContinuousClock.Instant)?

    init(seconds: Double) { self.seconds = seconds }

    func get(_ compute: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let cached = lock.withLock({ cached }), now - cached.at < .milliseconds(Int(seconds * 1000)) {
            return cached.value
        }
        let value = try await compute()
        lock.withLock { cached = (value, now) }
        return value
    }
}
