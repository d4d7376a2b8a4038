import RetouchCore

/// Blends tile outputs into the final image a band of rows at a time. Tiles cross-fade over
/// `ramp` pixels outside the area they own (the same weighting as `TileBlender`), but rows
/// are written out as soon as no later tile can touch them, so memory holds one row of tiles
/// in floats rather than the whole enlarged image.
struct NeuralBandAccumulator {
    let width: Int
    let channels: Int
    /// Output row held at index 0 of the band.
    private(set) var top = 0
    private var sum: [Float] = []
    private var weight: [Float] = []

    init(width: Int, channels: Int) {
        self.width = width
        self.channels = channels
    }

    private var rowsHeld: Int { weight.count / width }

    /// Adds a model output given as planes (`planes[c][y][x]`, `planeWidth` x `planeHeight`),
    /// of which the `size` region at `offset` is placed at `origin` in the output. `core` is the
    /// output region this tile owns.
    mutating func add(planes: [Float], planeWidth: Int, planeHeight: Int, offset: (x: Int, y: Int),
                      size: Size, origin: (x: Int, y: Int), core: Rect, ramp: Int) {
        // Rows above `top` were written out; the caller flushes only rows this tile weights 0.
        let firstRow = max(0, top - origin.y)
        let needed = origin.y + size.height - top
        if needed > rowsHeld {
            sum.append(contentsOf: repeatElement(0, count: (needed - rowsHeld) * width * channels))
            weight.append(contentsOf: repeatElement(0, count: (needed - rowsHeld) * width))
        }
        let plane = planeWidth * planeHeight, ch = channels, w = width, top = top
        let columnWeights = (0..<size.width).map { Self.ramp(origin.x + $0, core.x, core.maxX, ramp) }
        sum.withUnsafeMutableBufferPointer { sum in
            weight.withUnsafeMutableBufferPointer { weight in
                planes.withUnsafeBufferPointer { src in
                    for ty in firstRow..<max(firstRow, size.height) {
                        let y = origin.y + ty
                        let wy = Self.ramp(y, core.y, core.maxY, ramp)
                        if wy <= 0 { continue }
                        let srcRow = (offset.y + ty) * planeWidth + offset.x
                        let dstRow = (y - top) * w
                        for tx in 0..<size.width {
                            let wgt = wy * columnWeights[tx]
                            if wgt <= 0 { continue }
                            let x = origin.x + tx
                            weight[dstRow + x] += wgt
                            let d = (dstRow + x) * ch
                            for c in 0..<ch { sum[d + c] += wgt * src[c * plane + srcRow + tx] }
                        }
                    }
                }
            }
        }
    }

    /// Weight of coordinate `v` for a core `[lo, hi)`: 1 inside, falling to 0 over `ramp` outside.
    @inline(__always)
    static func ramp(_ v: Int, _ lo: Int, _ hi: Int, _ ramp: Int) -> Float {
        if v >= lo && v < hi { return 1 }
        let distance = v < lo ? lo - v : v - hi + 1
        if ramp <= 0 || distance > ramp { return 0 }
        return 1 - Float(distance) / Float(ramp + 1)
    }

    /// Normalises rows `top..<end` into `output` (values clamped by the sample type) and drops them.
    mutating func flush<S: PixelSample>(upTo end: Int, into output: inout PixelBuffer<S>) {
        let count = min(end, top + rowsHeld) - top
        if count <= 0 { return }
        let ch = channels, w = width, top = top
        output.samples.withUnsafeMutableBufferPointer { out in
            sum.withUnsafeBufferPointer { sum in
                weight.withUnsafeBufferPointer { weight in
                    for p in 0..<count * w {
                        let inv: Float = weight[p] > 0 ? 1 / weight[p] : 0
                        let d = (top * w + p) * ch
                        for c in 0..<ch { out[d + c] = S(normalised: sum[p * ch + c] * inv) }
                    }
                }
            }
        }
        sum.removeFirst(count * w * ch)
        weight.removeFirst(count * w)
        self.top += count
    }
}
