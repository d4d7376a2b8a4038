import Foundation
import RetouchCore

/// How a server listens and what it accepts. Every limit has a bound: nothing a client sends can
/// make the server hold unbounded memory or work.
public struct ServerSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest request body; larger ones get 413 before they are read.
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Largest input image, by the pixel count its header declares (413 before decoding).
    public var maxPixels = 40_000_000
    /// Largest output image (an upscale's result), refused with 413 before any work.
    public var maxOutputPixels = 160_000_000
    /// Images processed at once by the synchronous endpoints.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Requests allowed to wait for a worker; beyond `workers + queue` requests get 429.
    public var queue = 16
    /// Threads each operation may use (0 = all cores).
    public var threadsPerImage = 1
    /// Seconds a request body may take to arrive once its slot is granted (408 beyond), so slow
    /// senders cannot hold the work slots.
    public var bodyTimeoutSeconds: Double = 60
    /// Seconds a connection may sit idle before it is closed.
    public var idleTimeoutSeconds: Double = 75
    /// Seconds a request head (request line and headers) may take from its first byte to its
    /// last; 408 and a closed connection beyond, so a slowloris client cannot hold connections.
    public var headTimeoutSeconds: Double = 30
    /// Largest request head, and largest single header line, in bytes (431 beyond).
    public var maxHeaderBytes = 32 * 1024
    /// Seconds between a shutdown signal and the listener closing, during which /readyz answers
    /// 503 while every request is still served, so a load balancer can move traffic away first.
    public var drainSeconds: Double = 0
    /// Whether requests need an API key. Off only on a loopback address (see `validate`).
    public var requireAuth = true
    /// Seconds a key found valid is trusted without asking the key store again; a revoked key
    /// stops working at most this long after `retouch keys revoke`. 0 checks every request.
    public var keyCacheSeconds: Double = 10
    /// Most images one job may carry.
    public var maxJobImages = 100
    /// Jobs that may wait in the queue before `POST /v1/jobs` answers 429.
    public var maxQueuedJobs = 10_000
    /// How long finished jobs and their results are kept.
    public var retentionSeconds: Double = 24 * 3600

    public init() {}

    /// Rejects settings that cannot work or would expose the server without keys.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw invalid("--port must be 0-65535, got \(port)") }
        guard maxBodyBytes > 0 else { throw invalid("--max-body-mb must be positive") }
        guard maxPixels > 0, maxOutputPixels > 0 else { throw invalid("pixel limits must be positive") }
        guard workers > 0 else { throw invalid("--workers must be at least 1") }
        guard [bodyTimeoutSeconds, idleTimeoutSeconds, headTimeoutSeconds].allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw invalid("timeouts must be positive numbers of seconds")
        }
        guard drainSeconds >= 0, drainSeconds.isFinite else { throw invalid("--drain-seconds must be 0 or more") }
        guard maxHeaderBytes >= 1024 else { throw invalid("the header size limit must be at least 1024 bytes") }
        guard keyCacheSeconds >= 0, keyCacheSeconds.isFinite else { throw invalid("--key-cache-seconds must be 0 or more") }
        guard queue >= 0 else { throw invalid("--queue must be 0 or more") }
        guard maxJobImages > 0, maxQueuedJobs > 0 else { throw invalid("job limits must be positive") }
        guard retentionSeconds >= 0, retentionSeconds.isFinite else { throw invalid("--retention must be 0 or more") }
        if !requireAuth && !Self.isLoopback(host) {
            throw invalid("--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not \(host): "
                          + "anyone who can reach \(host) could use the server; create a key with `retouch keys create NAME`")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private func invalid(_ message: String) -> RetouchError {
        RetouchError(.invalidArgument, message)
    }
}
