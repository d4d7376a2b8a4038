import Foundation

/// How `Resampler` reconstructs the image between source pixels.
public enum ResampleFilter: String, Sendable, CaseIterable, Codable {
    /// Copies the source pixel whose centre is nearest; no new values, blocky when enlarging.
    case nearest
    /// Triangle filter: linear interpolation, antialiased when shrinking.
    case bilinear
    /// Keys cubic convolution with a = -0.5 (the common "bicubic").
    case bicubic
    /// Windowed sinc with three lobes: the sharpest of the four, with slight ringing at hard edges.
    case lanczos3

    /// The convolution kernel behind the filter; nil for nearest, which copies instead.
    var kernel: ResampleKernel? {
        switch self {
        case .nearest: nil
        case .bilinear: .triangle
        case .bicubic: .keysCubic
        case .lanczos3: .lanczos3
        }
    }
}

/// A separable reconstruction kernel, evaluated at a distance measured in source pixels.
enum ResampleKernel: Sendable {
    case triangle, keysCubic, lanczos3

    /// Distance beyond which the kernel is zero, at scale 1.
    var support: Double {
        switch self {
        case .triangle: 1
        case .keysCubic: 2
        case .lanczos3: 3
        }
    }

    func weight(at x: Double) -> Double {
        let d = abs(x)
        switch self {
        case .triangle:
            return d < 1 ? 1 - d : 0
        case .keysCubic:
            let a = -0.5
            if d < 1 { return ((a + 2) * d - (a + 3)) * d * d + 1 }
            if d < 2 { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a }
            return 0
        case .lanczos3:
            if d < 1e-12 { return 1 }
            if d >= 3 { return 0 }
            // sin(pi d) from sin(pi d / 3) by the triple-angle identity: one libm call, not two.
            let third = Double.pi * d / 3
            let s = sin(third)
            return s * (3 * s - 4 * s * s * s) / (3 * third * third)
        }
    }
}
