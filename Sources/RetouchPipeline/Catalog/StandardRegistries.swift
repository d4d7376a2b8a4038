import Foundation
import RetouchInference
import RetouchOps

/// The one place the registries are assembled. The CLI, the server and workers all call this,
/// so an operation or model registered in RetouchOps appears in every front end at once.
public enum StandardRegistries {
    /// Resamplers first (always available), then the neural models of the catalog.
    public static func upscalers(inference: InferenceConfig) -> Registry<Upscaler> {
        Registry(kind: "upscale model", ResamplerUpscalers.all + NeuralUpscalers.all(config: inference))
    }

    /// Where the neural runtime and models are (RETOUCH_MODELS_DIR, RETOUCH_ORT_LIBRARY, ...).
    /// A malformed setting is reported and the defaults are used, so commands that need no model still run.
    public static func inferenceConfigFromEnvironment() -> InferenceConfig {
        do {
            return try InferenceConfig.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("retouch: \(error); using default inference settings\n".utf8))
            return InferenceConfig(modelsDirectory: InferenceConfig.defaultModelsDirectory())
        }
    }

    public static func stepResources(inference: InferenceConfig) -> StepResources {
        StepResources(upscalers: upscalers(inference: inference), textDetector: textDetector(inference: inference),
                      overlayProbability: overlayProbability)
    }

    /// The PP-OCR detector when its model is installed, else nil (steps that need it say so).
    public static func textDetector(inference: InferenceConfig) -> TextDetector? {
        let model = OnnxProbabilityMap(config: inference)
        return model.availability().isAvailable ? TextDetector(model: model) : nil
    }

    /// p(overlay) from the trained routing classifier (RetouchOps/Route): the detector's regions
    /// and the stroke masks summarised as `OverlayFeatures`, weighed by the fitted coefficients.
    @Sendable public static func overlayProbability(_ detection: TextDetection, _ mask: TextMask) -> Double {
        OverlayRouter.fitted.probability(OverlayFeatures(detection: detection, mask: mask))
    }
}
