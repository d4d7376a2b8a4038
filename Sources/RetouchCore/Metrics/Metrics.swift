import Foundation

/// Full-reference image quality: how close a candidate is to a reference of the same size.
///
/// Both work on 8-bit data with a data range of 255. With `onY` they measure BT.601 luma,
/// Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 (unrounded, in [16, 235]), the convention
/// of super-resolution papers; otherwise every colour channel (alpha is ignored; a gray image
/// compared with a colour one counts as R = G = B). `crop` ignores that many pixels at each
/// border, as those papers do for the scale factor.
public enum Metrics {
    /// Peak signal-to-noise ratio in dB: 10 log10(255² / MSE). Identical images give
    /// `+infinity` (callers print it as "inf").
    public static func psnr(_ a: Image8, _ b: Image8, onY: Bool = false, crop: Int = 0) throws -> Double {
        let planes = try MetricPlanes(a, b, onY: onY, crop: crop)
        let mse = planes.squaredError() / Double(planes.count * planes.width * planes.height)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// Mean structural similarity (Wang et al. 2004) with an 11-tap Gaussian window
    /// (sigma 1.5), K1 = 0.01, K2 = 0.03, population covariances, averaged over channels.
    /// Computed as scikit-image's `structural_similarity(gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False, data_range=255)`: filtered with mirrored edges, then
    /// averaged without the 5-pixel border the window overhangs. Needs at least 11x11 pixels
    /// after the crop.
    public static func ssim(_ a: Image8, _ b: Image8, onY: Bool = false, crop: Int = 0) throws -> Double {
        let planes = try MetricPlanes(a, b, onY: onY, crop: crop)
        guard planes.width >= SSIM.window && planes.height >= SSIM.window else {
            throw RetouchError(.invalidArgument,
                               "SSIM needs at least \(SSIM.window)x\(SSIM.window) pixels after cropping, "
                                   + "got \(planes.width)x\(planes.height); use a smaller crop or larger images")
        }
        let scores = (0..<planes.count).map { k in
            SSIM.mean(planes.plane(k, of: a), planes.plane(k, of: b), width: planes.width, height: planes.height)
        }
        return scores.reduce(0, +) / Double(scores.count)
    }
}
