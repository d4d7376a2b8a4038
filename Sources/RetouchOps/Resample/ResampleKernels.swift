/// The two hot loops of the separable resampler. Both read whole SIMD groups, so the rows
/// they read are padded with zeros past their last sample and the rows they write have room
/// for a group past their end.
enum ResampleKernels {
    /// Resamples one row along x: output pixel i is the weighted sum of source pixels
    /// starts[i] ..< starts[i] + counts[i].
    @inline(__always)
    static func horizontal<T: ResampleScalar>(_ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>,
                                              taps: TapTable<T>, channels: Int) {
        // Literal channel counts let each copy of the loop be specialised.
        switch channels {
        case 1: horizontalGray(src, into: dst, taps: taps)
        case 2: horizontalPixels(src, into: dst, taps: taps, channels: 2)
        case 3: horizontalPixels(src, into: dst, taps: taps, channels: 3)
        default: horizontalPixels(src, into: dst, taps: taps, channels: 4)
        }
    }

    /// One SIMD4 holds a whole pixel (with up to two lanes of the next pixel, ignored); each
    /// store spills those lanes one pixel ahead, where the next store overwrites them.
    @inline(__always)
    private static func horizontalPixels<T: ResampleScalar>(_ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>,
                                                            taps: TapTable<T>, channels: Int) {
        for i in 0..<taps.size {
            let first = src + taps.starts[i] * channels
            let weights = taps.weights + i * taps.stride
            var sum = SIMD4<T>()
            for k in 0..<taps.counts[i] {
                sum += load4(first + k * channels) * weights[k]
            }
            store4(sum, dst + i * channels)
        }
    }

    /// Gray rows are dot products of contiguous samples with the zero-padded weight row.
    @inline(__always)
    private static func horizontalGray<T: ResampleScalar>(_ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>,
                                                          taps: TapTable<T>) {
        for i in 0..<taps.size {
            let first = src + taps.starts[i]
            let weights = taps.weights + i * taps.stride
            var sum = SIMD4<T>()
            var k = 0
            while k < taps.counts[i] {
                sum += load4(first + k) * load4(weights + k)
                k += 4
            }
            dst[i] = sum.sum()
        }
    }

    /// Blends `count` rows sample by sample: dst[j] = Σ weights[k] · rows[k][j].
    @inline(__always)
    static func vertical<T: ResampleScalar>(_ rows: UnsafePointer<UnsafePointer<T>>, weights: UnsafePointer<T>,
                                            count: Int, into dst: UnsafeMutablePointer<T>, length: Int) {
        var j = 0
        while j + 16 <= length {
            var low = SIMD8<T>(), high = SIMD8<T>()
            for k in 0..<count {
                let row = rows[k] + j
                let w = weights[k]
                low += load8(row) * w
                high += load8(row + 8) * w
            }
            store8(low, dst + j)
            store8(high, dst + j + 8)
            j += 16
        }
        while j < length {
            var sum: T = 0
            for k in 0..<count { sum += rows[k][j] * weights[k] }
            dst[j] = sum
            j += 1
        }
    }

    @inline(__always) private static func load4<T: ResampleScalar>(_ p: UnsafePointer<T>) -> SIMD4<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<T>.self)
    }

    @inline(__always) private static func load8<T: ResampleScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }

    @inline(__always) private static func store4<T: ResampleScalar>(_ v: SIMD4<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<T>.self)
    }

    @inline(__always) private static func store8<T: ResampleScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
    }
}
