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
}
