import RetouchCodecs
import RetouchCore
import RetouchOps

/// Removes objects marked by the image's mask from the mask folder (white = remove). Masks are
/// drawn on the source image, so they are fitted to the current size nearest-neighbour; images
/// without a mask pass through untouched.
struct InpaintStep: PipelineStep {
    let name = "inpaint"
    let engine: String
    let hint: InpaintHint
    let dilate: Int

    init(config: PipelineConfig) throws {
        _ = try InpaintEngines.registry.lookup(config.inpaintEngine)
        engine = config.inpaintEngine
        hint = try InpaintHint(parsing: config.inpaintHint)
        dilate = config.inpaintDilate
    }

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        guard let maskPath = item.entry.maskPath else { return }
        var image = try item.requireImage(for: name)
        let maskImage = try ImageFile.read(maskPath).pixels.eightBit
        let mask = try Mask(image: maskImage).fitted(to: image.size, resize: true)
        if mask.isEmpty {
            item.notes.append("mask \(maskPath) is empty; nothing removed")
            return
        }
        let result = try Inpainter.inpaint(image.pixels.eightBit, mask: mask, engine: engine, hint: hint,
                                           dilate: dilate, context: context)
        image.pixels = .u8(result.image)
        item.image = image
        item.recordFilled(mask.dilated(by: dilate).image)
        item.notes += result.notes
        item.notes.append("removed \(result.regions.count) masked region(s)")
    }
}
