import RetouchCore
import RetouchOps

/// Finds text, builds its stroke mask and routes the image: p(overlay) at or above the
/// threshold (or routing turned off) sends it through cleaning, otherwise straight on.
struct DetectStep: PipelineStep {
    let name = "detect"
    let detector: TextDetector
    let maskBuilder: TextMaskBuilder
    let minScore: Float
    let route: Bool
    let threshold: Double
    let overlayProbability: @Sendable (TextDetection, TextMask) -> Double

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        let image = try item.requireImage(for: name).pixels.eightBit
        var detection = try detector.detect(image, context: context)
        detection.regions = detection.regions.filter { $0.score >= minScore }
        let mask = try maskBuilder.mask(for: detection.regions, in: image)
        let p = overlayProbability(detection, mask)
        item.overlayProbability = p
        item.route = !route || p >= threshold ? .cleaned : .direct
        item.textRegions = detection.regions
        item.detectedSize = image.size
        item.textMask = detection.regions.isEmpty ? nil : mask.mask
    }
}

/// Erases the text of images the router sent to cleaning. After an upscale the regions are
/// scaled and the stroke mask is rebuilt on the enlarged pixels, so it stays tight.
struct EraseStep: PipelineStep {
    let name = "erase"
    let engine: String
    let maskBuilder: TextMaskBuilder

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        guard item.route == .cleaned, !item.textRegions.isEmpty else { return }
        var image = try item.requireImage(for: name)
        let pixels = image.pixels.eightBit
        let maskImage: Image8
        if let mask = item.textMask, mask.size == pixels.size {
            maskImage = mask
        } else {
            let sx = Double(pixels.width) / Double(max(1, item.detectedSize.width))
            let sy = Double(pixels.height) / Double(max(1, item.detectedSize.height))
            let scaled = item.textRegions.map { region in
                TextRegion(polygon: region.polygon.map { SIMD2($0.x * sx, $0.y * sy) }, score: region.score)
            }
            maskImage = try maskBuilder.mask(for: scaled, in: pixels).mask
        }
        let mask = try Mask(image: maskImage)
        guard !mask.isEmpty else { return }
        let result = try Inpainter.inpaint(pixels, mask: mask, engine: engine, context: context)
        image.pixels = .u8(result.image)
        item.image = image
        item.recordFilled(maskImage)
        item.notes.append("erased \(item.textRegions.count) text region(s), \(String(format: "%.2f", mask.coverage * 100))% of the image")
    }
}
