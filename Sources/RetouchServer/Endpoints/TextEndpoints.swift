import Foundation
import HTTPTypes
import Hummingbird
import RetouchCodecs
import RetouchCore
import RetouchInference
import RetouchOps

/// `POST /v1/detect` (where the text is, as JSON; with `include_mask` also the mask erase-text would fill) and `POST /v1/erase-text` (the image with its
/// text removed: detect, build a stroke mask, inpaint).
extension RetouchAPI {
    static let overlayHeader = HTTPField.Name("X-Retouch-Overlay-Probability")!

    func addTextRoutes(_ routes: RouteRecorder) {
        routes.on(.post, "/v1/detect") { [self] request, _ in
            let query = Self.queryPairs(request)
            let contentType = request.headers[.contentType]
            let report = try await limiter.withSlot {
                let body = try await collectBody(request)
                return try await limiter.run {
                    try self.detect(try RequestInput.parse(body: body, contentType: contentType, query: query))
                }
            }
            metrics.stepFinished("detect", seconds: report.seconds)
            return try JSONResponse.make(report)
        }
        routes.on(.post, "/v1/erase-text") { [self] request, _ in
            try await imageRequest(request) { input in try self.eraseText(input) }
        }
    }

    static let detectorMissing = "the text detector \(ModelCatalog.textDetector.name) is not installed; run scripts/install_models.sh"

    /// The model's name for headers and listings.
    static func detectorName(_ detector: TextDetector) -> String {
        (detector.model as? OnnxProbabilityMap)?.spec.name ?? String(describing: type(of: detector.model))
    }

    /// The detector with the request's `min_score`, or 503 saying what to install.
    private func textDetector(_ options: inout RequestOptions) throws -> TextDetector {
        guard var detector = resources.textDetector else { throw RetouchError(.modelMissing, Self.detectorMissing) }
        detector.options.postProcessing.minScore = Float(try options.double("min_score", default: 0.5, in: 0...1))
        return detector
    }

    func detect(_ input: RequestInput) throws -> DetectionReport {
        var options = RequestOptions(input.fields)
        let detector = try textDetector(&options)
        let includeMask = try options.bool("include_mask", default: false)
        try options.rejectUnknown()
        let start = ContinuousClock.now
        let pixels = try decodeSingleImage(input).image.pixels.eightBit
        let detection = try detector.detect(pixels, context: OperationContext(threads: settings.threadsPerImage))
        let textMask = try TextMaskBuilder().mask(for: detection.regions, in: pixels)
        let elapsed = ContinuousClock.now - start
        return DetectionReport(width: pixels.width, height: pixels.height, model: Self.detectorName(detector),
                               seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                               overlayProbability: resources.overlayProbability(detection, textMask),
                               textCoverage: textMask.coverage,
                               regions: detection.regions.map { DetectionReport.Region($0, in: pixels.size) },
                               maskPng: includeMask ? Data(try ImageEncoder.encode(Image(textMask.mask), as: .png)).base64EncodedString() : nil)
    }

    /// Options `engine`, `hint`, `dilate` (mask growth around strokes, 0-64), `full_boxes` (mask
    /// whole regions), `min_score`, `feather`, `seed` and the output options.
    func eraseText(_ input: RequestInput) throws -> ImageResult {
        var options = RequestOptions(input.fields)
        let detector = try textDetector(&options)
        let engine = try InpaintEngines.registry.lookup(options.string("engine", default: "auto"))
        let hint = try InpaintHint(parsing: options.string("hint", default: "auto"))
        var maskOptions = TextMaskBuilder.Options()
        maskOptions.dilation = try options.int("dilate", default: maskOptions.dilation, in: 0...64)
        maskOptions.fullBoxes = try options.bool("full_boxes", default: false)
        let feather = try options.int("feather", default: 0, in: 0...64)
        let seed = try options.int("seed", default: 0, in: 0...Int.max)
        let output = try OutputChoice(&options)
        let keepMetadata = try options.bool("keep_metadata", default: false)
        try options.rejectUnknown()

        var timer = StepTimer()
        let (info, image) = try decodeSingleImage(input, keepMetadata: keepMetadata)
        timer.lap("decode")
        let context = OperationContext(threads: settings.threadsPerImage)
        var pixels = image.pixels.eightBit
        let detection = try detector.detect(pixels, context: context)
        timer.lap("detect")
        let textMask = try TextMaskBuilder(options: maskOptions).mask(for: detection.regions, in: pixels)
        let mask = try Mask(image: textMask.mask)
        let overlay = resources.overlayProbability(detection, textMask)
        var used = [Self.detectorName(detector)]
        if !mask.isEmpty {
            let filled = try Inpainter.inpaint(pixels, mask: mask, engine: engine.name, hint: hint,
                                               feather: feather, seed: UInt64(seed), context: context)
            pixels = filled.image
            used += Set(filled.regions.map(\.engine)).sorted()
        }
        timer.lap("erase")
        let format = output.format(for: info.format)
        let bytes = try ImageEncoder.encode(Image(.u8(pixels), metadata: image.metadata), as: format,
                                            options: EncodeOptions(quality: output.quality, keepMetadata: keepMetadata))
        timer.lap("encode")
        return ImageResult(bytes: bytes, format: format, size: image.size, steps: timer.laps, headers: [
            Self.modelHeader: used.joined(separator: "+"),
            Self.routeHeader: mask.isEmpty ? "direct" : "cleaned",
            Self.regionsHeader: String(detection.regions.count),
            Self.overlayHeader: String(format: "%.3f", overlay),
        ])
    }
}

/// `POST /v1/detect`'s answer: text regions in image pixels.
struct DetectionReport: Encodable, Sendable {
    struct Region: Encodable, Sendable {
        /// Corners in order, in image pixels.
        var polygon: [[Double]]
        /// The smallest pixel rectangle holding the polygon: [x, y, width, height].
        var box: [Int]?
        var score: Double

        init(_ region: TextRegion, in size: Size) {
            polygon = region.polygon.map { [($0.x * 100).rounded() / 100, ($0.y * 100).rounded() / 100] }
            box = region.pixelBounds(in: size).map { [$0.x, $0.y, $0.width, $0.height] }
            score = (Double(region.score) * 1000).rounded() / 1000
        }
    }

    var width: Int
    var height: Int
    var model: String
    var seconds: Double
    /// p(overlay): what the pipeline's router compares with its threshold to decide on cleaning.
    var overlayProbability: Double
    /// Share of the image a text erase would remove.
    var textCoverage: Double
    var regions: [Region]
    /// With `include_mask`: the mask erase-text would fill (white = remove), a base64 PNG the
    /// size of the image, so a client can show and edit it before sending it to /v1/inpaint.
    var maskPng: String?
}
