import ArgumentParser
import RetouchCodecs
import RetouchCore
import RetouchOps

struct Upscale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enlarge an image 2x, 3x or 4x with a resampler or a neural model.",
        discussion: "Models: see `retouch models`. Alpha is carried through; EXIF orientation is applied on load.")

    @Argument(help: "Input image (JPEG, PNG or WebP).")
    var input: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .long, help: "Scale factor: 2, 3 or 4.")
    var scale: Int = 2

    @Option(name: .long, help: "Upscaler name (see `retouch models`).")
    var model: String = "lanczos3"

    @Option(name: .long, help: "Refuse outputs larger than this many pixels.")
    var maxOutputPixels: Int = 400_000_000

    @Option(name: .long, help: "Threads for CPU work; 0 = all cores.")
    var threads: Int = 0

    @Flag(name: .long, help: "Print what was done as JSON.")
    var json = false

    func validate() throws {
        guard [2, 3, 4].contains(scale) else { throw ValidationError("--scale must be 2, 3 or 4") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let upscaler = try Registries.upscalers.lookup(model)
        let image = try readImage(input, inputOptions, keepMetadata: output.keepMetadata)
        let outSize = Size(width: image.size.width * scale, height: image.size.height * scale)
        guard outSize.pixelCount <= maxOutputPixels else {
            throw RetouchError(.imageTooLarge, "\(input): a \(scale)x upscale would be \(outSize) "
                + "(\(outSize.pixelCount / 1_000_000) MP), over the \(maxOutputPixels / 1_000_000) MP output limit; "
                + "raise --max-output-pixels or use a smaller scale")
        }
        let pixels = try upscaler.upscale(image.pixels, scale: scale, context: OperationContext(threads: threads))
        try ImageFile.write(Image(pixels, metadata: image.metadata), to: output.output, options: output.encodeOptions)
        if json {
            try printJSON(UpscaleReport(input: input, output: output.output, model: upscaler.name, scale: scale,
                                        width: outSize.width, height: outSize.height, seconds: secondsSince(start)))
        }
    }
}

struct UpscaleReport: Codable {
    var input: String
    var output: String
    var model: String
    var scale: Int
    var width: Int
    var height: Int
    var seconds: Double
}
