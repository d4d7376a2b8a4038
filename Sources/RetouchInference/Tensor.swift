import RetouchCore

/// A dense float tensor in row-major order, e.g. an image batch as [1, 3, H, W].
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw RetouchError(.invalidArgument, "tensor shape \(shape) has a negative dimension")
        }
        let count = shape.reduce(1, *)
        guard count == values.count else {
            throw RetouchError(.invalidArgument, "tensor shape \(shape) needs \(count) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    public var count: Int { values.count }
}
