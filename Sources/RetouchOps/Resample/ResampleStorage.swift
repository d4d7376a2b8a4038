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
    /// `stored` for eight values at once, written to `destination`.
    static func storeBlock(_ values: SIMD8<Work>, to destination: UnsafeMutablePointer<Self>)
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
    @inline(__always) static func storeBlock(_ values: SIMD8<Float>, to destination: UnsafeMutablePointer<UInt8>) {
        let rounded = roundedBits(values, max: 255)
        UnsafeMutableRawPointer(destination).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: rounded),
                                                        as: SIMD8<UInt8>.self)
    }
    static var invisibleAlpha: Float { 0.5 }
}

extension UInt16: ResampleStorage {
    @inline(__always) static func working(_ sample: UInt16) -> Float { Float(sample) }
    @inline(__always) static func stored(_ value: Float) -> UInt16 {
        UInt16(truncatingIfNeeded: (Swift.min(Swift.max(value, 0), 65535) + 0x1.8p23).bitPattern)
    }
    @inline(__always) static func storeBlock(_ values: SIMD8<Float>, to destination: UnsafeMutablePointer<UInt16>) {
        let rounded = roundedBits(values, max: 65535)
        UnsafeMutableRawPointer(destination).storeBytes(of: SIMD8<UInt16>(truncatingIfNeeded: rounded),
                                                        as: SIMD8<UInt16>.self)
    }
    static var invisibleAlpha: Float { 0.5 }
}

extension Float: ResampleStorage {
    @inline(__always) static func working(_ sample: Float) -> Double { Double(sample) }
    /// Not clamped: Lanczos and bicubic overshoot is kept, as float data may exceed [0, 1].
    @inline(__always) static func stored(_ value: Double) -> Float { Float(value) }
    @inline(__always) static func storeBlock(_ values: SIMD8<Double>, to destination: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(destination).storeBytes(of: SIMD8<Float>(values), as: SIMD8<Float>.self)
    }
    static var invisibleAlpha: Double { 0 }
}

/// Clamps to [0, max] and rounds to the nearest integer, as `UInt8.stored` does, leaving the
/// integer in the low bits of each lane.
@inline(__always)
private func roundedBits(_ values: SIMD8<Float>, max: Float) -> SIMD8<UInt32> {
    // Written as "v > 0 ? v : 0" and "v < max ? v : max", the shapes maxps and minps compute.
    let low = SIMD8<Float>(repeating: 0).replacing(with: values, where: values .> 0)
    let clamped = SIMD8<Float>(repeating: max).replacing(with: low, where: low .< max)
    return unsafeBitCast(clamped + SIMD8(repeating: 0x1.8p23), to: SIMD8<UInt32>.self)
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

    /// Converts one resampled, premultiplied row back to samples, dividing alpha out. Pixels
    /// that end up invisible get colour 0.
    @inline(__always)
    static func storeRow(_ src: UnsafeMutablePointer<Work>, into dst: UnsafeMutablePointer<Self>,
                         pixels: Int, channels: Int) {
        let maxWork = working(maxValue)
        let colours = channels - 1
        for p in 0..<pixels {
            let pixel = src + p * channels
            let alpha = pixel[colours]
            let factor = alpha > invisibleAlpha ? maxWork / alpha : 0
            for c in 0..<colours { pixel[c] *= factor }
        }
        for i in 0..<pixels * channels { dst[i] = stored(src[i]) }
    }
}
