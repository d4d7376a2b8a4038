import Foundation
import RetouchInference
import RetouchOps

/// The registries every command reads; built once per process.
enum Registries {
    static let upscalers = Registry(kind: "upscale model", NeuralUpscalers.all(config: inference))

    /// Where the neural runtime and models are (RETOUCH_MODELS_DIR, RETOUCH_ORT_LIBRARY, ...).
    /// A malformed setting is reported and the defaults are used, so other commands still run.
    static let inference: InferenceConfig = {
        do {
            return try InferenceConfig.fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("retouch: \(error); using default inference settings\n".utf8))
            return InferenceConfig(modelsDirectory: InferenceConfig.defaultModelsDirectory())
        }
    }()
}
