import RetouchCore

/// One 8-connected region of hole pixels.
public struct MaskComponent: Sendable, Equatable {
    /// Label used in `MaskLabels.labels` (1-based).
    public var label: Int
    public var boundingBox: Rect
    public var pixelCount: Int
}

/// Every 8-connected region of a mask and, per pixel, which region it belongs to (0 = keep).
public struct MaskLabels: Sendable {
    public let width: Int
    public let height: Int
    public let labels: [Int32]
    public let components: [MaskComponent]
}

extension Mask {
    /// Labels 8-connected hole regions in raster order of their first pixel.
    public func components() -> MaskLabels {
        var labels = [Int32](repeating: 0, count: width * height)
        var found = [MaskComponent]()
        var stack = [Int]()
        for start in 0..<(width * height) where isHole[start] && labels[start] == 0 {
            let label = Int32(found.count + 1)
            var x0 = width, y0 = height, x1 = 0, y1 = 0, count = 0
            labels[start] = label
            stack.append(start)
            while let p = stack.popLast() {
                let x = p % width, y = p / width
                count += 1
                x0 = Swift.min(x0, x); x1 = Swift.max(x1, x)
                y0 = Swift.min(y0, y); y1 = Swift.max(y1, y)
                for ny in Swift.max(0, y - 1)...Swift.min(height - 1, y + 1) {
                    for nx in Swift.max(0, x - 1)...Swift.min(width - 1, x + 1) {
                        let q = ny * width + nx
                        if isHole[q] && labels[q] == 0 {
                            labels[q] = label
                            stack.append(q)
                        }
                    }
                }
            }
            found.append(MaskComponent(label: Int(label),
                                       boundingBox: Rect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1),
                                       pixelCount: count))
        }
        return MaskLabels(width: width, height: height, labels: labels, components: found)
    }
}
