extension PixelBuffer {
    /// Converts between gray, gray+alpha, RGB and RGBA. Gray from colour uses BT.601 luma;
    /// added alpha is opaque; dropped alpha is discarded (composite first if that matters).
    public func converted(toChannels target: Int) -> PixelBuffer {
        precondition((1...4).contains(target), "channels must be 1...4")
        if target == channels { return self }
        let targetAlpha = target == 2 || target == 4
        let targetColour = targetAlpha ? target - 1 : target
        let maxV = Sample.maxValue
        var out = [Sample]()
        out.reserveCapacity(pixelCount * target)
        samples.withUnsafeBufferPointer { src in
            for p in 0..<pixelCount {
                let s = p * channels
                if targetColour == colorChannels {
                    for c in 0..<targetColour { out.append(src[s + c]) }
                } else if targetColour == 3 {
                    out.append(src[s]); out.append(src[s]); out.append(src[s])
                } else {
                    let luma = 0.299 * src[s].floatValue + 0.587 * src[s + 1].floatValue + 0.114 * src[s + 2].floatValue
                    out.append(Sample(normalised: luma / maxV.floatValue))
                }
                if targetAlpha { out.append(hasAlpha ? src[s + channels - 1] : maxV) }
            }
        }
        return PixelBuffer(width: width, height: height, channels: target, samples: out)
    }

    /// Splits into colour channels and, if present, the alpha plane.
    public func splitAlpha() -> (color: PixelBuffer, alpha: PixelBuffer?) {
        guard hasAlpha else { return (self, nil) }
        var alpha = [Sample]()
        alpha.reserveCapacity(pixelCount)
        for p in 0..<pixelCount { alpha.append(samples[p * channels + channels - 1]) }
        return (converted(toChannels: colorChannels),
                PixelBuffer(width: width, height: height, channels: 1, samples: alpha))
    }

    /// Appends `alpha` (one channel, same size) as the last channel.
    public func attachingAlpha(_ alpha: PixelBuffer) -> PixelBuffer {
        precondition(!hasAlpha && alpha.channels == 1 && alpha.size == size, "alpha must match")
        var out = [Sample]()
        out.reserveCapacity(pixelCount * (channels + 1))
        for p in 0..<pixelCount {
            for c in 0..<channels { out.append(samples[p * channels + c]) }
            out.append(alpha.samples[p])
        }
        return PixelBuffer(width: width, height: height, channels: channels + 1, samples: out)
    }

    /// True when every alpha sample is opaque (or there is no alpha).
    public var isOpaque: Bool {
        guard hasAlpha else { return true }
        let maxV = Sample.maxValue
        var p = channels - 1
        while p < samples.count {
            if samples[p] != maxV { return false }
            p += channels
        }
        return true
    }
}
