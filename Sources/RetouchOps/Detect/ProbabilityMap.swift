import RetouchCore

/// A text-probability map as a DB detector emits it: one value in [0, 1] per pixel of the
/// (resized) detector input, row-major.
public struct ProbabilityMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) throws {
        guard width > 0, height > 0 else {
            throw RetouchError(.invalidArgument, "probability map must not be empty (got \(width)x\(height))")
        }
        guard values.count == width * height else {
            throw RetouchError(.invalidArgument,
                               "probability map of \(width)x\(height) needs \(width * height) values, got \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    public init(width: Int, height: Int, fill: Float = 0) {
        self.width = max(1, width)
        self.height = max(1, height)
        values = [Float](repeating: fill, count: self.width * self.height)
    }

    /// For callers that built `values` for exactly this shape themselves.
    init(uncheckedWidth width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    @inline(__always) public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// Pixels above `threshold`, as 0/1 bytes.
    func binarised(threshold: Float) -> [UInt8] {
        values.map { $0 > threshold ? 1 : 0 }
    }
}
