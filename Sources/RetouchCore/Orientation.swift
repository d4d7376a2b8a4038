/// The eight EXIF orientations and the transform that makes a stored image upright.
public enum Orientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored, down, downMirrored, leftMirrored, right, rightMirrored, left

    /// True when the upright image has width and height swapped.
    public var swapsAxes: Bool { rawValue >= 5 }
}

extension PixelBuffer {
    /// Returns the image as it should be displayed, given the EXIF orientation it was stored with.
    public func applying(_ orientation: Orientation) -> PixelBuffer {
        if orientation == .up { return self }
        let w = width, h = height
        let outW = orientation.swapsAxes ? h : w
        let outH = orientation.swapsAxes ? w : h
        var out = [Sample](repeating: .zero, count: samples.count)
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    for x in 0..<outW {
                        let (sx, sy) = Self.storedCoordinate(x, y, w, h, orientation)
                        let s = (sy * w + sx) * channels, d = (y * outW + x) * channels
                        for c in 0..<channels { dst[d + c] = src[s + c] }
                    }
                }
            }
        }
        return PixelBuffer(width: outW, height: outH, channels: channels, samples: out)
    }

    /// Where upright pixel (x, y) lives in the stored image of size w x h.
    @inline(__always)
    private static func storedCoordinate(_ x: Int, _ y: Int, _ w: Int, _ h: Int,
                                         _ o: Orientation) -> (Int, Int) {
        switch o {
        case .up: (x, y)
        case .upMirrored: (w - 1 - x, y)
        case .down: (w - 1 - x, h - 1 - y)
        case .downMirrored: (x, h - 1 - y)
        case .leftMirrored: (y, x)
        case .right: (y, h - 1 - x)
        case .rightMirrored: (w - 1 - y, h - 1 - x)
        case .left: (w - 1 - y, x)
        }
    }
}
