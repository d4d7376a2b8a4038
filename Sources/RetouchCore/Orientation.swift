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
        let outW = orientation.swapsAxes ? height : width
        let outH = orientation.swapsAxes ? width : height
        // Upright pixel (x, y) lives at stored pixel origin + x * step.x + y * step.y (in pixels).
        let (origin, stepX, stepY) = Self.walk(orientation, width, height)
        let ch = channels
        var out = [Sample](repeating: .zero, count: samples.count)
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outH {
                    var s = (origin + y * stepY) * ch
                    var d = y * outW * ch
                    let step = stepX * ch
                    for _ in 0..<outW {
                        for c in 0..<ch { dst[d + c] = src[s + c] }
                        s += step
                        d += ch
                    }
                }
            }
        }
        return PixelBuffer(width: outW, height: outH, channels: ch, samples: out)
    }

    /// The stored pixel index of upright (0, 0) and how it moves per upright x and y.
    private static func walk(_ o: Orientation, _ w: Int, _ h: Int) -> (origin: Int, x: Int, y: Int) {
        switch o {
        case .up: (0, 1, w)
        case .upMirrored: (w - 1, -1, w)
        case .down: (h * w - 1, -1, -w)
        case .downMirrored: ((h - 1) * w, 1, -w)
        case .leftMirrored: (0, w, 1)
        case .right: ((h - 1) * w, -w, 1)
        case .rightMirrored: (h * w - 1, -w, -1)
        case .left: (w - 1, w, -1)
        }
    }
}
