import RetouchCore

/// Which pixels to remove: `true` means "fill this pixel", `false` means "keep it".
///
/// Built from an image by `init(image:)`:
/// - If the image has an alpha channel that is not fully opaque, alpha decides: a pixel is
///   removed where alpha >= 128. Editors export painted strokes on a transparent layer this
///   way, and the stroke colour (often black or red) then carries no meaning.
/// - Otherwise luminance decides: a pixel is removed where its BT.601 luma is >= 128
///   ("white = remove", the convention of every inpainting tool).
public struct Mask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, one entry per pixel.
    public var isHole: [Bool]

    public init(width: Int, height: Int, isHole: [Bool]) throws {
        guard width > 0, height > 0 else {
            throw RetouchError(.invalidArgument, "a mask must be at least 1x1, not \(width)x\(height)")
        }
        guard isHole.count == width * height else {
            throw RetouchError(.invalidArgument,
                               "mask of \(width)x\(height) needs \(width * height) values, got \(isHole.count)")
        }
        self.width = width
        self.height = height
        self.isHole = isHole
    }

    /// An all-keep mask.
    public init(size: Size) {
        width = Swift.max(1, size.width)
        height = Swift.max(1, size.height)
        isHole = [Bool](repeating: false, count: width * height)
    }

    public init(image: Image8) throws {
        guard image.width > 0, image.height > 0 else {
            throw RetouchError(.invalidArgument, "the mask image is empty (\(image.width)x\(image.height))")
        }
        let useAlpha = image.hasAlpha && !image.isOpaque
        let ch = image.channels
        var holes = [Bool](repeating: false, count: image.pixelCount)
        image.samples.withUnsafeBufferPointer { s in
            for p in 0..<image.pixelCount {
                let base = p * ch
                if useAlpha {
                    holes[p] = s[base + ch - 1] >= 128
                } else if image.colorChannels == 1 {
                    holes[p] = s[base] >= 128
                } else {
                    let luma = 299 * Int(s[base]) + 587 * Int(s[base + 1]) + 114 * Int(s[base + 2])
                    holes[p] = luma >= 128 * 1000
                }
            }
        }
        try self.init(width: image.width, height: image.height, isHole: holes)
    }

    public var size: Size { Size(width: width, height: height) }

    @inline(__always) public subscript(x: Int, y: Int) -> Bool {
        get { isHole[y * width + x] }
        set { isHole[y * width + x] = newValue }
    }

    public var holeCount: Int { isHole.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Fraction of the pixels marked for removal, 0...1.
    public var coverage: Double { Double(holeCount) / Double(width * height) }

    public var isEmpty: Bool { !isHole.contains(true) }
    public var isFull: Bool { !isHole.contains(false) }

    /// Swaps remove and keep.
    public func inverted() -> Mask {
        var out = self
        for i in out.isHole.indices { out.isHole[i].toggle() }
        return out
    }

    /// Nearest-neighbour resize (keeps the mask binary), sampling at pixel centres.
    public func resized(to target: Size) throws -> Mask {
        guard target.width > 0, target.height > 0 else {
            throw RetouchError(.invalidArgument, "cannot resize a mask to \(target)")
        }
        if target == size { return self }
        let xs = (0..<target.width).map { Swift.min(width - 1, ($0 * 2 + 1) * width / (target.width * 2)) }
        var holes = [Bool](repeating: false, count: target.pixelCount)
        for y in 0..<target.height {
            let sy = Swift.min(height - 1, (y * 2 + 1) * height / (target.height * 2))
            let row = sy * width, out = y * target.width
            for x in 0..<target.width { holes[out + x] = isHole[row + xs[x]] }
        }
        return try Mask(width: target.width, height: target.height, isHole: holes)
    }

    /// Checks the mask fits `size`, resizing it when `resize` is set.
    public func fitted(to size: Size, resize: Bool) throws -> Mask {
        if size == self.size { return self }
        guard resize else {
            throw RetouchError(.invalidArgument,
                               "the mask is \(self.size) but the image is \(size); "
                               + "pass --resize-mask to resize it (nearest neighbour)")
        }
        return try resized(to: size)
    }

    /// The smallest rectangle holding every hole pixel, or nil for an empty mask.
    /// The mask as a one-channel image, 255 where pixels are removed (for saving and QA).
    public var image: Image8 {
        Image8(width: width, height: height, channels: 1, samples: isHole.map { $0 ? 255 : 0 })
    }

    public var boundingBox: Rect? {
        var x0 = width, y0 = height, x1 = -1, y1 = -1
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where isHole[row + x] {
                x0 = Swift.min(x0, x); x1 = Swift.max(x1, x)
                y0 = Swift.min(y0, y); y1 = Swift.max(y1, y)
            }
        }
        return x1 < 0 ? nil : Rect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// The part of the mask inside `rect` (which must lie within the mask).
    public func cropped(to rect: Rect) -> Mask {
        var holes = [Bool]()
        holes.reserveCapacity(rect.width * rect.height)
        for y in rect.y..<rect.maxY {
            holes.append(contentsOf: isHole[(y * width + rect.x)..<(y * width + rect.maxX)])
        }
        return Mask(unchecked: rect.width, rect.height, holes)
    }

    /// For internal callers whose shapes are right by construction.
    init(unchecked width: Int, _ height: Int, _ isHole: [Bool]) {
        self.width = width
        self.height = height
        self.isHole = isHole
    }
}
