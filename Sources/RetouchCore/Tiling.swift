/// One tile: `core` is the part of the image it is responsible for, `padded` the larger
/// region it is computed from (core plus overlap, clipped to the image).
public struct Tile: Sendable, Equatable {
    public var index: Int
    public var core: Rect
    public var padded: Rect
}

/// Splits an image into tiles of at most `tileSize` core pixels with `overlap` extra
/// pixels of context on each side, so tile-wise operations can be blended without seams.
public struct TileGrid: Sendable, Sequence {
    public let size: Size
    public let tileSize: Int
    public let overlap: Int
    public let columns: Int
    public let rows: Int

    public init(size: Size, tileSize: Int, overlap: Int) {
        precondition(tileSize > 0 && overlap >= 0, "tile size must be positive")
        self.size = size
        self.tileSize = tileSize
        self.overlap = overlap
        columns = Swift.max(1, (size.width + tileSize - 1) / tileSize)
        rows = Swift.max(1, (size.height + tileSize - 1) / tileSize)
    }

    public var count: Int { columns * rows }

    public func tile(_ i: Int) -> Tile {
        let col = i % columns, row = i / columns
        let core = Rect(x: col * size.width / columns, y: row * size.height / rows,
                        width: (col + 1) * size.width / columns - col * size.width / columns,
                        height: (row + 1) * size.height / rows - row * size.height / rows)
        let padded = Rect(x: core.x - overlap, y: core.y - overlap,
                          width: core.width + 2 * overlap, height: core.height + 2 * overlap)
            .intersection(Rect(size: size))
        return Tile(index: i, core: core, padded: padded)
    }

    public func makeIterator() -> AnyIterator<Tile> {
        var i = 0
        return AnyIterator {
            defer { i += 1 }
            return i < count ? tile(i) : nil
        }
    }
}

/// Accumulates tile outputs with weights that ramp down linearly across the overlap, then
/// normalises, so neighbouring tiles cross-fade instead of meeting at a hard seam.
public struct TileBlender: Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    private var sum: [Float]
    private var weight: [Float]

    public init(width: Int, height: Int, channels: Int) {
        self.width = width; self.height = height; self.channels = channels
        sum = [Float](repeating: 0, count: width * height * channels)
        weight = [Float](repeating: 0, count: width * height)
    }

    /// Adds `tile` (already in output coordinates) placed at `origin`. `core` is the region,
    /// in output coordinates, that this tile owns; weights fall off over `ramp` pixels outside it.
    public mutating func add(_ tile: ImageF, at origin: (x: Int, y: Int), core: Rect, ramp: Int) {
        precondition(tile.channels == channels, "tile channels must match")
        let ch = channels, w = width
        sum.withUnsafeMutableBufferPointer { sum in
            weight.withUnsafeMutableBufferPointer { weight in
                tile.samples.withUnsafeBufferPointer { src in
                    for ty in 0..<tile.height {
                        let y = origin.y + ty
                        if y < 0 || y >= height { continue }
                        let wy = Self.ramp(y, core.y, core.maxY, ramp)
                        for tx in 0..<tile.width {
                            let x = origin.x + tx
                            if x < 0 || x >= w { continue }
                            let wgt = wy * Self.ramp(x, core.x, core.maxX, ramp)
                            if wgt <= 0 { continue }
                            weight[y * w + x] += wgt
                            let s = (ty * tile.width + tx) * ch, d = (y * w + x) * ch
                            for c in 0..<ch { sum[d + c] += wgt * src[s + c] }
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

    public func result() -> ImageF {
        var out = sum
        for p in 0..<width * height {
            let wgt = weight[p]
            let inv: Float = wgt > 0 ? 1 / wgt : 0
            for c in 0..<channels { out[p * channels + c] *= inv }
        }
        return ImageF(width: width, height: height, channels: channels, samples: out)
    }
}
