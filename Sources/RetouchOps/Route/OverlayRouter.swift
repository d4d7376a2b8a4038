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

    /// One weight per `OverlayFeatures.names` entry, in that order.
    public init(coefficients: [Double], intercept: Double) {
        self.coefficients = coefficients
        self.intercept = intercept
    }

    /// The fitted router (weights are stored by feature name, so their order cannot drift).
    public init() {
        self.init(coefficients: OverlayFeatures.names.map { Self.fittedWeights[$0] ?? 0 },
                  intercept: Self.fittedIntercept)
    }

    public func probability(_ features: OverlayFeatures) -> Double {
        var z = intercept
        for (w, v) in zip(coefficients, features.values) { z += w * v }
        return 1 / (1 + exp(-z))
    }
}
