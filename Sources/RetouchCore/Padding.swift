/// How pixels outside an image are made up.
public enum PadMode: String, Sendable, CaseIterable {
    /// Repeats the edge pixel: `aaa|abc|ccc`.
    case replicate
    /// Mirrors without repeating the edge: `cb|abc|ba` (what SR models are trained with).
    case reflect
    /// Fills with zero.
    case zero
}

/// Maps a coordinate outside `0..<n` back inside according to `mode`; nil means zero fill.
@inline(__always)
public func padSource(_ i: Int, _ n: Int, _ mode: PadMode) -> Int? {
    if i >= 0 && i < n { return i }
    switch mode {
    case .zero: return nil
    case .replicate: return i < 0 ? 0 : n - 1
    case .reflect:
        if n == 1 { return 0 }
        let period = 2 * (n - 1)
        var m = i % period
        if m < 0 { m += period }
        return m < n ? m : period - m
    }
}

extension PixelBuffer {
    /// Returns the buffer grown by `insets`, the new pixels made up by `mode`.
    public func padded(_ insets: EdgeInsets, mode: PadMode) -> PixelBuffer {
        let w = width + insets.left + insets.right
        let h = height + insets.top + insets.bottom
        var out = [Sample](repeating: .zero, count: w * h * channels)
        let xSource = (0..<w).map { padSource($0 - insets.left, width, mode) }
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    guard let sy = padSource(y - insets.top, height, mode) else { continue }
                    for x in 0..<w {
                        guard let sx = xSource[x] else { continue }
                        let s = (sy * width + sx) * channels, d = (y * w + x) * channels
                        for c in 0..<channels { dst[d + c] = src[s + c] }
                    }
                }
            }
        }
        return PixelBuffer(width: w, height: h, channels: channels, samples: out)
    }
}
