/// Waits between retries of something that keeps failing (an unreachable database): short at
/// first, so a blip costs little, then doubling up to a ceiling, so a long outage neither floods
/// the log nor keeps hammering the server.
public struct RetryBackoff: Sendable {
    public let first: Double
    public let ceiling: Double
    private var current: Double

    public init(first: Double = 1, ceiling: Double = 30) {
        self.first = first
        self.ceiling = ceiling
        current = first
    }

    /// Seconds to wait before the next try.
    public mutating func next() -> Double {
        defer { current = min(current * 2, ceiling) }
        return current
    }

    public mutating func reset() { current = first }
}
