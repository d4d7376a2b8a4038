import Foundation

/// p(overlay): how likely it is that text was put on the photo (date stamp, caption, watermark,
/// price tag, seller text) rather than being part of the scene, from `OverlayFeatures`.
/// A logistic regression fitted by training/overlays/train_router.py on the project's
/// synthetic set (half overlays, half clean crops of the same photos), so p is calibrated for
/// that even mix; `threshold` is where the text cleaner should run.
public struct OverlayRouter: Sendable, Equatable {
    public static let threshold = 0.6

    public var coefficients: [Double]
    public var intercept: Double

    public init(coefficients: [Double] = OverlayRouter.fittedCoefficients,
                intercept: Double = OverlayRouter.fittedIntercept) {
        self.coefficients = coefficients
        self.intercept = intercept
    }

    public func probability(_ features: OverlayFeatures) -> Double {
        var z = intercept
        for (w, v) in zip(coefficients, features.values) { z += w * v }
        return 1 / (1 + exp(-z))
    }
}
