import RetouchCore

/// A crop being filled, in floats (0...255 per sample, all channels of the image), with
/// what each pixel is: known (a source of colour), to fill, or blocked (another hole that
/// this pass does not fill and must not copy from).
struct FillCanvas {
    enum State: UInt8 { case known, fill, blocked }

    let width: Int
    let height: Int
    let channels: Int
    let colorChannels: Int
    var samples: [Float]
    var state: [State]

    init(image: Image8, rect: Rect, state: [State]) {
        width = rect.width
        height = rect.height
        channels = image.channels
        colorChannels = image.colorChannels
        var out = [Float]()
        out.reserveCapacity(rect.width * rect.height * image.channels)
        image.samples.withUnsafeBufferPointer { src in
            for y in rect.y..<rect.maxY {
                let start = image.index(rect.x, y)
                for i in start..<(start + rect.width * image.channels) { out.append(Float(src[i])) }
            }
        }
        samples = out
        self.state = state
    }

    init(width: Int, height: Int, channels: Int, colorChannels: Int, samples: [Float], state: [State]) {
        self.width = width; self.height = height; self.channels = channels
        self.colorChannels = colorChannels; self.samples = samples; self.state = state
    }

    var pixelCount: Int { width * height }
    var fillCount: Int { state.reduce(0) { $0 + ($1 == .fill ? 1 : 0) } }

    /// True when some pixel can serve as a source of colour.
    var hasKnown: Bool { state.contains(.known) }

    /// Writes the filled pixels (only those) back into `image` at `rect`, rounding.
    func writeFilled(into image: inout Image8, at rect: Rect) {
        let ch = channels, iw = image.width
        image.samples.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                for x in 0..<width where state[y * width + x] == .fill {
                    let s = (y * width + x) * ch, d = ((rect.y + y) * iw + rect.x + x) * ch
                    for c in 0..<ch { dst[d + c] = UInt8(Swift.max(0, Swift.min(255, samples[s + c].rounded()))) }
                }
            }
        }
    }
}
