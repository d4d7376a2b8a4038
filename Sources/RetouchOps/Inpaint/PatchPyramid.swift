import RetouchCore

/// One resolution of an exemplar fill, unpadded: colour (interleaved), optional alpha and
/// the state of every pixel. RGB is stored in four lanes (the fourth always 0) so patch rows
/// line up with SIMD vectors.
struct PatchImage {
    let width: Int
    let height: Int
    /// Samples per pixel in `color`: 1 for gray, 4 for RGB.
    let colorChannels: Int
    var color: [Float]
    var alpha: [Float]?
    var state: [FillCanvas.State]

    init(width: Int, height: Int, colorChannels: Int, color: [Float], alpha: [Float]?, state: [FillCanvas.State]) {
        self.width = width; self.height = height; self.colorChannels = colorChannels
        self.color = color; self.alpha = alpha; self.state = state
    }

    init(canvas: FillCanvas) {
        let cc = canvas.colorChannels, ch = canvas.channels, n = canvas.pixelCount
        let lanes = cc == 3 ? 4 : cc
        var color = [Float](repeating: 0, count: n * lanes)
        var alpha: [Float]? = ch > cc ? [Float](repeating: 0, count: n) : nil
        for p in 0..<n {
            for c in 0..<cc { color[p * lanes + c] = canvas.samples[p * ch + c] }
            if ch > cc { alpha?[p] = canvas.samples[p * ch + cc] }
        }
        self.init(width: canvas.width, height: canvas.height, colorChannels: lanes,
                  color: color, alpha: alpha, state: canvas.state)
    }

    /// Half the size. A coarse pixel is to fill if any child is (so no hole colour leaks into
    /// the coarse image), else blocked if any child is, else known; colour is the mean of the
    /// known children.
    func downsampled() -> PatchImage {
        let cw = (width + 1) / 2, chh = (height + 1) / 2, cc = colorChannels
        var color = [Float](repeating: 0, count: cw * chh * cc)
        var alpha: [Float]? = self.alpha == nil ? nil : [Float](repeating: 0, count: cw * chh)
        var state = [FillCanvas.State](repeating: .known, count: cw * chh)
        for cy in 0..<chh {
            for cx in 0..<cw {
                var known: Float = 0, fill = false, blocked = false
                let d = cy * cw + cx
                for y in (2 * cy)..<Swift.min(height, 2 * cy + 2) {
                    for x in (2 * cx)..<Swift.min(width, 2 * cx + 2) {
                        let p = y * width + x
                        switch self.state[p] {
                        case .fill: fill = true
                        case .blocked: blocked = true
                        case .known:
                            known += 1
                            for c in 0..<cc { color[d * cc + c] += self.color[p * cc + c] }
                            if let a = self.alpha { alpha?[d] += a[p] }
                        }
                    }
                }
                if known > 0 {
                    for c in 0..<cc { color[d * cc + c] /= known }
                    alpha?[d] /= known
                }
                state[d] = fill ? .fill : blocked ? .blocked : .known
            }
        }
        return PatchImage(width: cw, height: chh, colorChannels: cc, color: color, alpha: alpha, state: state)
    }

    /// Radius (in pixels) of the widest disc that fits inside the region to fill.
    var inscribedRadius: Float {
        let mask = Mask(unchecked: width, height, state.map { $0 == .fill })
        let d2 = mask.squaredDistance(toHole: false)
        var best = 0
        for p in d2.indices where state[p] == .fill { best = Swift.max(best, d2[p]) }
        return Float(best).squareRoot()
    }
}

/// A `PatchImage` padded by the patch radius on every side (edge pixels replicated) so that
/// every patch touching the image can be read without bounds checks, with the indices the
/// search needs: which centres are valid sources and which pixels are targets.
struct PatchLevel {
    let width: Int
    let height: Int
    let pad: Int
    let stride: Int
    let rows: Int
    let colorChannels: Int
    var color: [Float]
    var alpha: [Float]?
    /// Padded pixels whose colour is being synthesised.
    let unknown: [Bool]
    /// Padded centres whose whole patch is known, real and inside an allowed source region.
    let isSource: [Bool]
    let sources: [Int32]
    /// Padded centres whose patch overlaps an unknown pixel, in raster order.
    let targets: [Int32]
    /// Index into `targets` per padded pixel, or -1.
    let targetIndex: [Int32]
    /// Distance of each target centre inside the hole (0 outside), for Wexler's confidence.
    let depth: [Float]

    init(_ image: PatchImage, pad: Int, sourceRegions: [Rect]) {
        width = image.width; height = image.height; self.pad = pad
        stride = image.width + 2 * pad; rows = image.height + 2 * pad
        colorChannels = image.colorChannels
        let cc = image.colorChannels, w = image.width, h = image.height
        let stride = self.stride, rows = self.rows
        func real(_ px: Int, _ py: Int) -> Int {
            Swift.min(w - 1, Swift.max(0, px - pad)) + Swift.min(h - 1, Swift.max(0, py - pad)) * w
        }
        // Slack at the end: the distance reads whole SIMD vectors past a patch's last row.
        var color = [Float](repeating: 0, count: stride * rows * cc + PatchMetric.width)
        var alpha: [Float]? = image.alpha == nil ? nil : [Float](repeating: 0, count: stride * rows)
        var unknown = [Bool](repeating: false, count: stride * rows)
        for py in 0..<rows {
            for px in 0..<stride {
                let p = py * stride + px, q = real(px, py)
                for c in 0..<cc { color[p * cc + c] = image.color[q * cc + c] }
                if let a = image.alpha { alpha?[p] = a[q] }
                unknown[p] = image.state[q] == .fill
            }
        }
        self.color = color; self.alpha = alpha; self.unknown = unknown
        (isSource, sources) = Self.sources(image, pad: pad, sourceRegions: sourceRegions)
        (targets, targetIndex) = Self.targetCentres(unknown, stride, rows, pad, w, h)
        let holeMask = Mask(unchecked: stride, rows, unknown)
        let inside = holeMask.squaredDistance(toHole: false)
        depth = targets.map { unknown[Int($0)] ? Float(inside[Int($0)]).squareRoot() : 0 }
    }

    /// Valid source centres in padded coordinates: the whole patch real, known and allowed.
    static func sources(_ image: PatchImage, pad: Int, sourceRegions: [Rect]) -> ([Bool], [Int32]) {
        let w = image.width, h = image.height, stride = w + 2 * pad, rows = h + 2 * pad
        let allowed = allowedMask(sourceRegions, w, h)
        var bad = [Int32](repeating: 1, count: stride * rows)
        for y in 0..<h {
            for x in 0..<w where image.state[y * w + x] == .known && allowed[y * w + x] {
                bad[(y + pad) * stride + x + pad] = 0
            }
        }
        return sourceCentres(bad, stride, rows, pad)
    }

    private static func allowedMask(_ regions: [Rect], _ w: Int, _ h: Int) -> [Bool] {
        guard !regions.isEmpty else { return [Bool](repeating: true, count: w * h) }
        var allowed = [Bool](repeating: false, count: w * h)
        for r in regions {
            let clipped = r.intersection(Rect(x: 0, y: 0, width: w, height: h))
            if clipped.isEmpty { continue }
            for y in clipped.y..<clipped.maxY {
                for x in clipped.x..<clipped.maxX { allowed[y * w + x] = true }
            }
        }
        return allowed
    }

    /// Centres whose (2 pad + 1)^2 window holds no unusable pixel, by a summed-area table.
    private static func sourceCentres(_ bad: [Int32], _ stride: Int, _ rows: Int, _ pad: Int) -> ([Bool], [Int32]) {
        let sw = stride + 1
        var table = [Int32](repeating: 0, count: sw * (rows + 1))
        for y in 0..<rows {
            var run: Int32 = 0
            for x in 0..<stride {
                run += bad[y * stride + x]
                table[(y + 1) * sw + x + 1] = table[y * sw + x + 1] + run
            }
        }
        var isSource = [Bool](repeating: false, count: stride * rows)
        var list = [Int32]()
        for y in pad..<(rows - pad) {
            for x in pad..<(stride - pad) {
                let x0 = x - pad, y0 = y - pad, x1 = x + pad + 1, y1 = y + pad + 1
                let count = table[y1 * sw + x1] - table[y0 * sw + x1] - table[y1 * sw + x0] + table[y0 * sw + x0]
                if count == 0 {
                    isSource[y * stride + x] = true
                    list.append(Int32(y * stride + x))
                }
            }
        }
        return (isSource, list)
    }

    /// Real pixels within `pad` (chessboard distance) of an unknown pixel.
    private static func targetCentres(_ unknown: [Bool], _ stride: Int, _ rows: Int, _ pad: Int,
                                      _ w: Int, _ h: Int) -> ([Int32], [Int32]) {
        var near = [Bool](repeating: false, count: stride * rows)
        var rowHit = [Bool](repeating: false, count: stride * rows)
        for y in 0..<rows {
            var last = -Int.max / 2
            for x in 0..<stride {
                if unknown[y * stride + x] { last = x }
                rowHit[y * stride + x] = x - last <= pad
            }
            last = Int.max / 2
            for x in (0..<stride).reversed() {
                if unknown[y * stride + x] { last = x }
                if last - x <= pad { rowHit[y * stride + x] = true }
            }
        }
        for x in 0..<stride {
            var last = -Int.max / 2
            for y in 0..<rows {
                if rowHit[y * stride + x] { last = y }
                near[y * stride + x] = y - last <= pad
            }
            last = Int.max / 2
            for y in (0..<rows).reversed() {
                if rowHit[y * stride + x] { last = y }
                if last - y <= pad { near[y * stride + x] = true }
            }
        }
        var targets = [Int32](), index = [Int32](repeating: -1, count: stride * rows)
        for y in pad..<(pad + h) {
            for x in pad..<(pad + w) where near[y * stride + x] {
                index[y * stride + x] = Int32(targets.count)
                targets.append(Int32(y * stride + x))
            }
        }
        return (targets, index)
    }

    /// Copies the synthesised pixels of the real area back into `image`.
    func store(into image: inout PatchImage) {
        let cc = colorChannels
        for y in 0..<height {
            for x in 0..<width {
                let q = y * width + x, p = (y + pad) * stride + x + pad
                guard image.state[q] == .fill else { continue }
                for c in 0..<cc { image.color[q * cc + c] = color[p * cc + c] }
                if let a = alpha { image.alpha?[q] = a[p] }
            }
        }
    }
}
