import RetouchCore
import RetouchOps

/// A named stage of a pipeline. Steps are configured once from the `PipelineConfig`, then run for
/// each image; they read and update the `WorkItem` and must not keep per-image state.
public protocol PipelineStep: Sendable {
    var name: String { get }
    func run(_ item: inout WorkItem, context: OperationContext) throws
}

/// The operations steps call, resolved once from the registries so a bad name fails before the
/// batch starts instead of on every image.
public struct StepResources: Sendable {
    public var upscalers: Registry<Upscaler>
    /// Finds text; nil when no detector is installed (then detect and erase cannot run).
    public var textDetector: TextDetector?
    /// p(overlay) from what the detector found: the routing classifier.
    public var overlayProbability: @Sendable (TextDetection, TextMask) -> Double

    public init(upscalers: Registry<Upscaler>, textDetector: TextDetector?,
                overlayProbability: @escaping @Sendable (TextDetection, TextMask) -> Double) {
        self.upscalers = upscalers
        self.textDetector = textDetector
        self.overlayProbability = overlayProbability
    }

    func requireDetector(for step: String) throws -> TextDetector {
        guard let textDetector else {
            throw RetouchError(.modelMissing, "step \(step) needs the text detector; run scripts/install_models.sh")
        }
        return textDetector
    }
}
