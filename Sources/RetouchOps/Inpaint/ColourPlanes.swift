import RetouchCore

/// A canvas's colour as separate planes for fills that model each plane on its own: RGB as
/// luma and two chroma planes (most of a photo's structure is in the luma, so the chroma
/// models stay small and colours do not fringe), gray as luma, alpha as a plane of its own.
struct ColourPlanes {
    var values: [[Float]]
    /// Which planes are luma (the rest are chroma or alpha).
    let isLuma: [Bool]
    private let ycc: Bool

    init(_ canvas: FillCanvas) {
        let n = canvas.pixelCount, ch = canvas.channels
        ycc = canvas.colorChannels == 3
        var planes = (0..<ch).map { c in (0..<n).map { canvas.samples[$0 * ch + c] } }
        if ycc {
            for p in 0..<n {
                let r = planes[0][p], g = planes[1][p], b = planes[2][p]
                let y = 0.299 * r + 0.587 * g + 0.114 * b
                planes[0][p] = y
                planes[1][p] = 0.564 * (b - y)
                planes[2][p] = 0.713 * (r - y)
            }
        }
        values = planes
        isLuma = (0..<ch).map { $0 == 0 }
    }

    /// Writes the planes' pixels that the canvas is to fill back as its samples, clamped to 0...255.
    func write(into canvas: inout FillCanvas) {
        let ch = canvas.channels
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<ch { canvas.samples[p * ch + c] = values[c][p] }
            if ycc {
                let y = values[0][p], cb = values[1][p], cr = values[2][p]
                let r = y + cr / 0.713, b = y + cb / 0.564
                canvas.samples[p * ch] = r
                canvas.samples[p * ch + 1] = (y - 0.299 * r - 0.114 * b) / 0.587
                canvas.samples[p * ch + 2] = b
            }
            for c in 0..<ch { canvas.samples[p * ch + c] = Swift.max(0, Swift.min(255, canvas.samples[p * ch + c])) }
        }
    }
}
