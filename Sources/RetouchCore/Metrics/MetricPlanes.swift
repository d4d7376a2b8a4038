/// What a metric compares: a reference and a candidate, cropped to the same region, as
/// `count` planes (one per colour channel, or one luma plane) of doubles.
struct MetricPlanes {
    let a: Image8
    let b: Image8
    let region: Rect
    let count: Int
    let onY: Bool

    var width: Int { region.width }
    var height: Int { region.height }

    init(_ a: Image8, _ b: Image8, onY: Bool, crop: Int) throws {
        guard a.size == b.size else {
            throw RetouchError(.invalidArgument,
                               "images differ in size: \(a.width)x\(a.height) vs \(b.width)x\(b.height); "
                                   + "compare images of the same size")
        }
        guard crop >= 0 else {
            throw RetouchError(.invalidArgument, "crop must be 0 or more, got \(crop)")
        }
        guard 2 * crop < a.width && 2 * crop < a.height else {
            throw RetouchError(.invalidArgument,
                               "crop \(crop) leaves nothing of a \(a.width)x\(a.height) image; "
                                   + "use a crop below \((min(a.width, a.height) + 1) / 2)")
        }
        self.a = a
        self.b = b
        self.onY = onY
        region = Rect(x: crop, y: crop, width: a.width - 2 * crop, height: a.height - 2 * crop)
        count = onY ? 1 : max(a.colorChannels, b.colorChannels)
    }

    /// Sum of squared differences over every plane, row by row without materialising planes.
    func squaredError() -> Double {
        var rowA = [Double](repeating: 0, count: count * width), rowB = rowA
        var total = 0.0
        for y in 0..<height {
            values(a, row: y, into: &rowA, planeStride: width)
            values(b, row: y, into: &rowB, planeStride: width)
            for i in 0..<rowA.count {
                let d = rowA[i] - rowB[i]
                total += d * d
            }
        }
        return total
    }

    /// Plane `k` of `image` (`a` or `b`), cropped, row-major.
    func plane(_ k: Int, of image: Image8) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(width * height)
        var row = [Double](repeating: 0, count: count * width)
        for y in 0..<height {
            values(image, row: y, into: &row, planeStride: width)
            out.append(contentsOf: row[(k * width)..<((k + 1) * width)])
        }
        return out
    }

    /// One cropped row as planar values: plane k at out[k * planeStride ..< + width]. Gray
    /// images supply R = G = B.
    private func values(_ image: Image8, row y: Int, into out: inout [Double], planeStride: Int) {
        let channels = image.channels
        let g = image.colorChannels == 3 ? 1 : 0, b = 2 * g
        let onY = onY, colours = count
        image.samples.withUnsafeBufferPointer { samples in
            out.withUnsafeMutableBufferPointer { out in
                var p = ((region.y + y) * image.width + region.x) * channels
                for x in 0..<region.width {
                    let red = Double(samples[p]), green = Double(samples[p + g]), blue = Double(samples[p + b])
                    if onY {
                        out[x] = 16 + (65.481 * red + 128.553 * green + 24.966 * blue) / 255
                    } else {
                        out[x] = red
                        if colours == 3 {
                            out[planeStride + x] = green
                            out[2 * planeStride + x] = blue
                        }
                    }
                    p += channels
                }
            }
        }
    }
}
