import Dispatch

/// Runs blocking work (decoding, inference, inpainting) on threads outside Swift's cooperative
/// pool, at most `width` at a time, so async callers — the server's handlers, the batch runner —
/// never stall the executor they run on. Callers beyond the width wait in FIFO order.
public final class BlockingPool: Sendable {
    public let width: Int
    private let permits: Permits
    private let queue: DispatchQueue

    public init(width: Int, label: String = "retouch.blocking") {
        self.width = max(1, width)
        permits = Permits(self.width)
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    /// Work currently running plus work waiting for a thread.
    public var load: Int { get async { await permits.load } }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        await permits.acquire()
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try body() }) }
        }
        await permits.release()
        return try result.get()
    }
}

/// A counting semaphore for async code.
actor Permits {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var running = 0

    init(_ count: Int) { available = count }

    var load: Int { running + waiters.count }

    func acquire() async {
        if available > 0 {
            available -= 1
            running += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
        running += 1
    }

    func release() {
        running -= 1
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
