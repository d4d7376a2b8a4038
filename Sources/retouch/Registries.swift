import RetouchInference
import RetouchOps
import RetouchPipeline

/// The registries this process uses, built once from the standard assembly.
enum Registries {
    static let inference = StandardRegistries.inferenceConfigFromEnvironment()
    static let upscalers = StandardRegistries.upscalers(inference: inference)
    /// The text detector's model (available or not: commands that need it say how to install it).
    static let textDetector = OnnxProbabilityMap(config: inference)

    static func stepResources() throws -> StepResources {
        StandardRegistries.stepResources(inference: inference)
    }
}
