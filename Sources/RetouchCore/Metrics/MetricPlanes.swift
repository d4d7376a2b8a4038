/// The planes a metric compares: a reference and a candidate, cropped, one [Double] per
/// channel (or one luma plane), row-major.
struct MetricPlanes {
    let width: Int
    let height: Int
    let reference: [[Double]]
    let candidate: [[Double]]

    static func pair(_ a: Image8, _ b: Image8, onY: Bool, crop: Int) throws -> MetricPlanes {
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
        let colours = max(a.colorChannels, b.colorChannels)
        let region = Rect(x: crop, y: crop, width: a.width - 2 * crop, height: a.height - 2 * crop)
        return MetricPlanes(width: region.width, height: region.height,
                            reference: planes(a, region, colours: colours, onY: onY),
                            candidate: planes(b, region, colours: colours, onY: onY))
    }

    /// Colour planes (gray repeated when `colours` is 3), or the BT.601 luma plane.
    private static func planes(_ image: Image8, _ region: Rect, colours: Int, onY: Bool) -> [[Double]] {
        let rgbSource = image.colorChannels == 3
        func sample(_ x: Int, _ y: Int, _ c: Int) -> Double {
            Double(image[region.x + x, region.y + y, rgbSource ? c : 0])
        }
        func plane(_ value: (Int, Int) -> Double) -> [Double] {
            var out = [Double]()
            out.reserveCapacity(region.width * region.height)
            for y in 0..<region.height { for x in 0..<region.width { out.append(value(x, y)) } }
            return out
        }
        if onY {
            return [plane { x, y in
                16 + (65.481 * sample(x, y, 0) + 128.553 * sample(x, y, 1) + 24.966 * sample(x, y, 2)) / 255
            }]
        }
        return (0..<colours).map { c in plane { x, y in sample(x, y, c) } }
    }
}
