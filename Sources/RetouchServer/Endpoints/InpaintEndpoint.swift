import Foundation
import HTTPTypes
import Hummingbird
import RetouchCodecs
import RetouchCore
import RetouchOps
import RetouchPipeline

/// `POST /v1/inpaint`: removes what a mask marks. The mask comes as `mask_file` (white or opaque =
/// remove; another size is resized nearest-neighbour) or as `boxes`, JSON regions in image pixels:
/// `[{"box": [x, y, w, h]}, {"polygon": [[x, y], ...]}]`. Options `engine` (auto, diffuse, patch),
/// `hint` (auto, source=x,y,w,h, color=#RRGGBB, blur), `dilate`, `feather`, `seed`, `format`,
/// `quality`, `keep_metadata`.
extension RetouchAPI {
    static let regionsHeader = HTTPField.Name("X-Retouch-Regions")!

    func addInpaintRoute(_ routes: RouteRecorder) {
        routes.on(.post, "/v1/inpaint") { [self] request, _ in
            try await imageRequest(request) { input in try self.inpaint(input) }
        }
    }

    func inpaint(_ input: RequestInput) throws -> ImageResult {
        var options = RequestOptions(input.fields)
        let engine = try InpaintEngines.registry.lookup(options.string("engine", default: "auto"))
        let hint = try InpaintHint(parsing: options.string("hint", default: "auto"))
        let dilate = try options.int("dilate", default: PipelineConfig().inpaintDilate, in: 0...256)
        let feather = try options.int("feather", default: 0, in: 0...64)
        let seed = try options.int("seed", default: 0, in: 0...Int.max)
        let boxes = options.optionalString("boxes")
        let output = try OutputChoice(&options)
        let keepMetadata = try options.bool("keep_metadata", default: false)
        try options.rejectUnknown()

        var timer = StepTimer()
        let (info, image) = try decodeSingleImage(input, keepMetadata: keepMetadata)
        let (mask, warnings) = try requestMask(try input.singleMask(), boxes: boxes, size: image.size)
        timer.lap("decode")
        let result = try Inpainter.inpaint(image.pixels.eightBit, mask: mask, engine: engine.name, hint: hint,
                                           dilate: dilate, feather: feather, seed: UInt64(seed),
                                           context: OperationContext(threads: settings.threadsPerImage))
        timer.lap("inpaint")
        let format = output.format(for: info.format)
        let bytes = try ImageEncoder.encode(Image(.u8(result.image), metadata: image.metadata), as: format,
                                            options: EncodeOptions(quality: output.quality, keepMetadata: keepMetadata))
        timer.lap("encode")
        let engines = Set(result.regions.map(\.engine)).sorted()
        var headers: HTTPFields = [Self.modelHeader: engines.isEmpty ? engine.name : engines.joined(separator: ","),
                                   Self.regionsHeader: String(result.regions.count)]
        for note in (warnings + result.notes).prefix(8) {
            headers.append(HTTPField(name: HTTPField.Name("X-Retouch-Note")!, value: Self.headerSafe(note)))
        }
        return ImageResult(bytes: bytes, format: format, size: image.size, steps: timer.laps, headers: headers)
    }

    /// The mask from `mask_file` or `boxes` — exactly one of them.
    private func requestMask(_ file: UploadedFile?, boxes: String?, size: Size) throws -> (Mask, [String]) {
        switch (file, boxes) {
        case (let file?, nil):
            let info = try ImageDecoder.probe(file.bytes)
            guard info.pixelCount <= settings.maxPixels else {
                throw APIError(.contentTooLarge, "image_too_large", "the mask is \(info.width)x\(info.height), over the pixel limit")
            }
            let maskImage = try ImageDecoder.decode(file.bytes, options: DecodeOptions(maxPixels: settings.maxPixels))
            return (try Mask(image: maskImage.pixels.eightBit).fitted(to: size, resize: true), [])
        case (nil, let boxes?):
            let drawn = try Mask.drawing(try MaskShape.regions(json: Array(boxes.utf8)), size: size)
            return (drawn.mask, drawn.warnings)
        case (nil, nil):
            throw APIError.badRequest("say what to remove: a \(RequestInput.maskField) (white = remove) or `boxes`, "
                                      + "e.g. [{\"box\": [10, 20, 100, 50]}]")
        case (.some, .some):
            throw APIError.badRequest("give either \(RequestInput.maskField) or `boxes`, not both")
        }
    }

    /// Header values must be visible ASCII; notes are prose that may hold anything.
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" }.prefix(300))
    }
}
