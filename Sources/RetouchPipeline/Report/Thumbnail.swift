import RetouchCore
import RetouchOps

/// Small copies of images for the report's before/after view.
public enum Thumbnail {
    /// Scaled so the long side is at most `longSide`, as opaque RGB.
    public static func make(_ image: Image8, longSide: Int) -> Image8 {
        let scale = min(1, Double(longSide) / Double(max(1, max(image.width, image.height))))
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return Resampler.resize(image.converted(toChannels: 3), width: width, height: height, filter: .bilinear, threads: 1)
    }
}
