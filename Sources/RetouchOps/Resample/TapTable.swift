/// `AxisWeights` in working precision behind raw pointers, read by every thread of a resize.
/// The owner deallocates it once all threads are done.
struct TapTable<T: ResampleScalar>: @unchecked Sendable {
    let starts: UnsafeMutablePointer<Int>
    let counts: UnsafeMutablePointer<Int>
    let weights: UnsafeMutablePointer<T>
    /// The same weights each repeated across a SIMD4, for the pixel-at-a-time horizontal pass,
    /// which would otherwise broadcast every weight it reads; empty when not asked for.
    let splatWeights: UnsafeMutablePointer<SIMD4<T>>
    let stride: Int
    let maxCount: Int
    /// Number of outputs along the axis.
    let size: Int

    init(_ axis: AxisWeights, splat: Bool = false) {
        size = axis.starts.count
        stride = axis.stride
        maxCount = axis.maxCount
        starts = .allocate(capacity: size)
        starts.initialize(from: axis.starts, count: size)
        counts = .allocate(capacity: size)
        counts.initialize(from: axis.counts, count: size)
        weights = .allocate(capacity: axis.weights.count)
        weights.initialize(from: axis.weights.map { T($0) }, count: axis.weights.count)
        splatWeights = .allocate(capacity: splat ? axis.weights.count : 0)
        if splat {
            splatWeights.initialize(from: axis.weights.map { SIMD4(repeating: T($0)) }, count: axis.weights.count)
        }
    }

    func deallocate() {
        starts.deallocate()
        counts.deallocate()
        weights.deallocate()
        splatWeights.deallocate()
    }
}
