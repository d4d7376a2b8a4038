import RetouchCore

/// Everything known about the text on one image: where it is, which pixels to remove, and
/// how likely it is to be an overlay worth removing.
public struct OverlayAnalysis: Sendable {
    public var detection: TextDetection
    public var textMask: TextMask
    public var features: OverlayFeatures
    public var overlayProbability: Double

    public var needsCleaning: Bool { overlayProbability >= OverlayRouter.threshold }
}

/// Detector, stroke masks and router in one call.
public struct OverlayAnalyzer: Sendable {
    public var detector: TextDetector
    public var maskBuilder: TextMaskBuilder
    public var router: OverlayRouter

    public init(detector: TextDetector, maskBuilder: TextMaskBuilder = TextMaskBuilder(),
                router: OverlayRouter = .fitted) {
        self.detector = detector
        self.maskBuilder = maskBuilder
        self.router = router
    }

    public func analyse(_ image: Image8, context: OperationContext = OperationContext()) throws -> OverlayAnalysis {
        let detection = try detector.detect(image, context: context)
        try context.checkCancelled()
        let mask = try maskBuilder.mask(for: detection.regions, in: image)
        let features = OverlayFeatures(detection: detection, mask: mask)
        return OverlayAnalysis(detection: detection, textMask: mask, features: features,
                               overlayProbability: router.probability(features))
    }
}
