import RetouchCore

/// The floating-point type a resample pass computes in.
protocol ResampleScalar: BinaryFloatingPoint, SIMDScalar, BitwiseCopyable, Codable {}
extension Float: ResampleScalar {}
extension Double: ResampleScalar {}

/// A sample type the separable resampler handles natively: how its rows enter and leave the
/// floating-point passes. 8- and 16-bit samples work in Float, whose error (about 1e-5 of a
/// level) never changes a rounded result; Float samples work in Double, so that a constant
/// image comes back bit-identical rather than within an ulp.
protocol ResampleStorage: PixelSample {
    associatedtype Work: ResampleScalar
    static func working(_ sample: Self) -> Work
    /// Rounds to the nearest representable sample, clamping to the sample's range.
    static func stored(_ value: Work) -> Self
    /// Alpha at or below this stores as fully transparent, so its colour is not recoverable.
    static var invisibleAlpha: Work { get }
}

extension UInt8: ResampleStorage {
    @inline(__always) static func working(_ sample: UInt8) -> Float { Float(sample) }
    @inline(__always) static func stored(_ value: Float) -> UInt8 {
        // Adding 1.5 * 2^23 leaves the value rounded to an integer in the low mantissa bits:
        // plain SSE2 once vectorised, where `rounded()` would call into libm per sample.
        UInt8(truncatingIfNeeded: (Swift.min(Swift.max(value, 0), 255) + 0x1.8p23).bitPattern)
    }
    static var invisibleAlpha: Float { 0.5 }
}

extension UInt16: ResampleStorage {
    @inline(__always) static func working(_ sample: UInt16) -> Float { Float(sample) }
    @inline(__always) static func stored(_ value: Float) -> UInt16 {
        UInt16(truncatingIfNeeded: (Swift.min(Swift.max(value, 0), 65535) + 0x1.8p23).bitPattern)
    }
    static var invisibleAlpha: Float { 0.5 }
}

extension Float: ResampleStorage {
    @inline(__always) static func working(_ sample: Float) -> Double { Double(sample) }
    /// Not clamped: Lanczos and bicubic overshoot is kept, as float data may exceed [0, 1].
    @inline(__always) static func stored(_ value: Double) -> Float { Float(value) }
    static var invisibleAlpha: Double { 0 }
}

extension ResampleStorage {
    /// Converts one row to working precision. With alpha, colour is premultiplied so that
    /// transparent pixels, whose colour is meaningless, do not bleed into visible neighbours.
    @inline(__always)
    static func loadRow(_ src: UnsafePointer<Self>, into dst: UnsafeMutablePointer<Work>,
                        pixels: Int, channels: Int, premultiply: Bool) {
        for i in 0..<pixels * channels { dst[i] = working(src[i]) }
        guard premultiply else { return }
        let inverseMax = 1 / working(maxValue)
        let colours = channels - 1
        for p in 0..<pixels {
            let pixel = dst + p * channels
            let alpha = pixel[colours] * inverseMax
            for c in 0..<colours { pixel[c] *= alpha }
        }
    }

    /// Converts one resampled row back to samples, undoing the premultiplication. Pixels that
    /// end up invisible get colour 0.
    @inline(__always)
    static func storeRow(_ src: UnsafeMutablePointer<Work>, into dst: UnsafeMutablePointer<Self>,
                         pixels: Int, channels: Int, unpremultiply: Bool) {
        if unpremultiply {
            let maxWork = working(maxValue)
            let colours = channels - 1
            for p in 0..<pixels {
                let pixel = src + p * channels
                let alpha = pixel[colours]
                let factor = alpha > invisibleAlpha ? maxWork / alpha : 0
                for c in 0..<colours { pixel[c] *= factor }
            }
        }
        for i in 0..<pixels * channels { dst[i] = stored(src[i]) }
    }
}
