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
    /// store spills those lanes one pixel ahead, where the next store overwrites them. Four
    /// outputs are summed side by side so their additions do not wait on one another; the
    /// shorter windows among them read zero weights past their end.
    @inline(__always)
    private static func horizontalPixels<T: ResampleScalar>(_ src: UnsafePointer<T>, into dst: UnsafeMutablePointer<T>,
                                                            taps: TapTable<T>, channels: Int) {
        var i = 0
        while i + 4 <= taps.size {
            let s0 = src + taps.starts[i] * channels, s1 = src + taps.starts[i + 1] * channels
            let s2 = src + taps.starts[i + 2] * channels, s3 = src + taps.starts[i + 3] * channels
            let w0 = taps.splatWeights + i * taps.stride, w1 = w0 + taps.stride
            let w2 = w1 + taps.stride, w3 = w2 + taps.stride
            let count = max(max(taps.counts[i], taps.counts[i + 1]), max(taps.counts[i + 2], taps.counts[i + 3]))
            var sum0 = SIMD4<T>(), sum1 = SIMD4<T>(), sum2 = SIMD4<T>(), sum3 = SIMD4<T>()
            for k in 0..<count {
                let offset = k * channels
                sum0 += load4(s0 + offset) * w0[k]
                sum1 += load4(s1 + offset) * w1[k]
                sum2 += load4(s2 + offset) * w2[k]
                sum3 += load4(s3 + offset) * w3[k]
            }
            let out = dst + i * channels
            store4(sum0, out)
            store4(sum1, out + channels)
            store4(sum2, out + 2 * channels)
            store4(sum3, out + 3 * channels)
            i += 4
        }
        while i < taps.size {
            let first = src + taps.starts[i] * channels
            let weights = taps.splatWeights + i * taps.stride
            var sum = SIMD4<T>()
            for k in 0..<taps.counts[i] { sum += load4(first + k * channels) * weights[k] }
            store4(sum, dst + i * channels)
            i += 1
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

    /// Blends `count` rows sample by sample, sink[j] = Σ weights[k] · rows[k][j].
    @inline(__always)
    static func vertical<Sink: BlendSink>(_ rows: UnsafePointer<UnsafePointer<Sink.Work>>,
                                          weights: UnsafePointer<Sink.Work>, count: Int,
                                          into sink: Sink, length: Int) {
        typealias T = Sink.Work
        var j = 0
        // Four independent accumulators keep the adder busy while each waits on the last.
        while j + 32 <= length {
            var a = SIMD8<T>(), b = SIMD8<T>(), c = SIMD8<T>(), d = SIMD8<T>()
            for k in 0..<count {
                let row = rows[k] + j
                let w = weights[k]
                a += load8(row) * w
                b += load8(row + 8) * w
                c += load8(row + 16) * w
                d += load8(row + 24) * w
            }
            sink.put(a, at: j)
            sink.put(b, at: j + 8)
            sink.put(c, at: j + 16)
            sink.put(d, at: j + 24)
            j += 32
        }
        while j + 8 <= length {
            var sum = SIMD8<T>()
            for k in 0..<count { sum += load8(rows[k] + j) * weights[k] }
            sink.put(sum, at: j)
            j += 8
        }
        while j < length {
            var sum: T = 0
            for k in 0..<count { sum += rows[k][j] * weights[k] }
            sink.put(sum, at: j)
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

    @inline(__always) static func store8<T: ResampleScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
    }
}

/// Where the vertical pass puts its sums: straight into output samples, or into a working
/// row when alpha must still be divided out.
protocol BlendSink {
    associatedtype Work: ResampleScalar
    func put(_ values: SIMD8<Work>, at index: Int)
    func put(_ value: Work, at index: Int)
}

/// Rounds sums into the output row.
struct SampleSink<S: ResampleStorage>: BlendSink {
    let row: UnsafeMutablePointer<S>
    @inline(__always) func put(_ values: SIMD8<S.Work>, at index: Int) { S.storeBlock(values, to: row + index) }
    @inline(__always) func put(_ value: S.Work, at index: Int) { row[index] = S.stored(value) }
}

/// Keeps sums in working precision.
struct WorkingSink<T: ResampleScalar>: BlendSink {
    let row: UnsafeMutablePointer<T>
    @inline(__always) func put(_ values: SIMD8<T>, at index: Int) { ResampleKernels.store8(values, row + index) }
    @inline(__always) func put(_ value: T, at index: Int) { row[index] = value }
}
