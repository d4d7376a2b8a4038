import Foundation
import ServiceLifecycle

/// Set once, read from any thread.
final class DrainFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// Waits for graceful shutdown, marks the server as draining, and holds the shutdown back for the
/// drain period so that readiness probes see 503 while requests are still answered.
struct DrainService: Service {
    let flag: DrainFlag
    let seconds: Double

    func run() async throws {
        try? await gracefulShutdown()
        flag.set()
        if seconds > 0 { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
    }
}
