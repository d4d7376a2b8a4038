import RetouchOps

/// The registries every command reads; built once per process.
enum Registries {
    static let upscalers = Registry(kind: "upscale model", ResamplerUpscalers.all)
}
