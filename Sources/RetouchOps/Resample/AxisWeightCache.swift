import Foundation

/// Axis weights by (source size, output size, kernel), kept across calls: a catalog's photos
/// mostly share a few sizes, and evaluating the kernel (a sine per tap for Lanczos) was a
/// few per cent of a 2x upscale. Bounded by the number of weights held; when a new entry would
/// pass the bound, everything is dropped and the cache refills with what is in use now.
final class AxisWeightCache: @unchecked Sendable {
    static let shared = AxisWeightCache(maxWeights: 4_000_000)

    struct Key: Hashable {
        var from: Int
        var to: Int
        var kernel: ResampleKernel
    }

    let maxWeights: Int
    private let lock = NSLock()
    private var entries: [Key: AxisWeights] = [:]
    private var held = 0

    init(maxWeights: Int) {
        self.maxWeights = maxWeights
    }

    /// Weights held now, summed over the entries.
    var weightsHeld: Int { lock.withLock { held } }

    func weights(from inSize: Int, to outSize: Int, kernel: ResampleKernel) -> AxisWeights {
        let key = Key(from: inSize, to: outSize, kernel: kernel)
        if let found = lock.withLock({ entries[key] }) { return found }
        let computed = AxisWeights(from: inSize, to: outSize, kernel: kernel)
        let size = computed.weights.count
        guard size <= maxWeights else { return computed }
        lock.withLock {
            if held + size > maxWeights {
                entries.removeAll()
                held = 0
            }
            if entries.updateValue(computed, forKey: key) == nil { held += size }
        }
        return computed
    }
}
