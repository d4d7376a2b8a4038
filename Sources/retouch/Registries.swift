import RetouchOps
import RetouchPipeline

/// The registries every command reads; built once per process.
enum Registries {
    static let upscalers = Registry(kind: "upscale model", ResamplerUpscalers.all)

    static func stepResources() throws -> StepResources {
        StepResources(upscalers: upscalers)
    }
}
