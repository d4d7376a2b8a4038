import Foundation

/// p(overlay): how likely it is that text was put on the photo (date stamp, caption, watermark,
/// price tag, seller text) rather than being part of the scene, from `OverlayFeatures`.
/// A logistic regression on the features and their pairwise products, fitted by
/// training/overlays/train_router.py on the project's synthetic set (half overlays, half clean
/// crops of the same photos), so p is calibrated for that even mix; `threshold` is where the
/// text cleaner should run.
public struct OverlayRouter: Sendable, Equatable {
    public static let threshold = 0.6

    public var coefficients: [Double]
    /// `pairCoefficients[i][j]` (j >= i) weighs `values[i] * values[j]`; entries below the diagonal are 0.
    public var pairCoefficients: [[Double]]
    public var intercept: Double

    /// One weight per `OverlayFeatures.names` entry, in that order, and an n x n upper-triangular pair table.
    public init(coefficients: [Double], pairCoefficients: [[Double]], intercept: Double) {
        self.coefficients = coefficients
        self.pairCoefficients = pairCoefficients
        self.intercept = intercept
    }

    /// The fitted router (weights are stored by feature name, so their order cannot drift).
    public init() {
        let names = OverlayFeatures.names
        let pairs = names.indices.map { i in
            names.indices.map { j in j < i ? 0 : Self.fittedPairWeights[Self.pairKey(names[i], names[j])] ?? 0 }
        }
        self.init(coefficients: names.map { Self.fittedWeights[$0] ?? 0 }, pairCoefficients: pairs,
                  intercept: Self.fittedIntercept)
    }

    /// The fitted router, built once: callers score every image with it.
    public static let fitted = OverlayRouter()

    /// How the generated table names the product of two features.
    static func pairKey(_ a: String, _ b: String) -> String { [a, b].sorted().joined(separator: "*") }

    public func probability(_ features: OverlayFeatures) -> Double {
        let x = features.values
        var z = intercept
        for i in x.indices {
            var row = coefficients[i]
            for j in i..<x.count { row += pairCoefficients[i][j] * x[j] }
            z += row * x[i]
        }
        return 1 / (1 + exp(-z))
    }
}
