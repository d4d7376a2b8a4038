import RetouchCore

/// What a running operation may consult: how many threads to use, where to report
/// progress, and whether it has been cancelled.
public struct OperationContext: Sendable {
    public var threads: Int
    /// Called with (done, total) units of work, e.g. tiles.
    public var progress: @Sendable (Int, Int) -> Void
    public var isCancelled: @Sendable () -> Bool

    public init(threads: Int = 0,
                progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.threads = threads
        self.progress = progress
        self.isCancelled = isCancelled
    }

    public func checkCancelled() throws {
        if isCancelled() { throw RetouchError(.invalidArgument, "cancelled") }
    }
}
