import RetouchCore
import RetouchOps

/// Enlarges the image with the configured upscaler (a resampler or a neural model).
struct UpscaleStep: PipelineStep {
    let name = "upscale"
    let upscaler: Upscaler
    let scale: Int

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        guard scale > 1 else { return }
        var image = try item.requireImage(for: name)
        image.pixels = try upscaler.upscale(image.pixels, scale: scale, context: context)
        item.image = image
        item.scaleFilledMask(by: scale)
    }
}
