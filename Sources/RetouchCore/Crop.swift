extension PixelBuffer {
    /// Copies the pixels inside `rect`, which must lie within the buffer.
    public func cropped(to rect: Rect) -> PixelBuffer {
        precondition(Rect(size: size).contains(rect), "crop \(rect) outside \(size)")
        var out = [Sample]()
        out.reserveCapacity(rect.width * rect.height * channels)
        samples.withUnsafeBufferPointer { src in
            for y in rect.y..<rect.maxY {
                let start = index(rect.x, y)
                out.append(contentsOf: src[start..<start + rect.width * channels])
            }
        }
        return PixelBuffer(width: rect.width, height: rect.height, channels: channels, samples: out)
    }

    /// Writes `patch` into this buffer with its top-left corner at (x, y); parts outside are dropped.
    public mutating func paste(_ patch: PixelBuffer, atX x: Int, y: Int) {
        precondition(patch.channels == channels, "paste needs matching channels")
        let target = Rect(x: x, y: y, width: patch.width, height: patch.height).intersection(Rect(size: size))
        if target.isEmpty { return }
        let rowSamples = target.width * channels, w = width, ch = channels
        samples.withUnsafeMutableBufferPointer { dst in
            patch.samples.withUnsafeBufferPointer { src in
                for ty in target.y..<target.maxY {
                    let s = patch.index(target.x - x, ty - y)
                    let d = (ty * w + target.x) * ch
                    for i in 0..<rowSamples { dst[d + i] = src[s + i] }
                }
            }
        }
    }
}
