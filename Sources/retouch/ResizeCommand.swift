import ArgumentParser
import RetouchCodecs
import RetouchCore
import RetouchOps

/// How a resize treats a target box whose aspect differs from the image's.
enum Fit: String, ExpressibleByArgument, CaseIterable {
    /// Exactly width x height, aspect ignored.
    case fill
    /// As large as fits inside the box, aspect kept.
    case contain
    /// Covers the box, aspect kept, the overflow cropped from the centre.
    case cover
}

struct Resize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resize an image to a width and/or height with a chosen filter.",
        discussion: "With only --width or --height the aspect ratio is kept. --fit decides what happens when both are given.")

    @Argument(help: "Input image.")
    var input: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .long, help: "Target width in pixels.")
    var width: Int?

    @Option(name: .long, help: "Target height in pixels.")
    var height: Int?

    @Option(name: .long, help: "fill, contain or cover.")
    var fit: Fit = .contain

    @Option(name: .long, help: "nearest, bilinear, bicubic or lanczos3.")
    var filter: String = ResampleFilter.lanczos3.rawValue

    @Option(name: .long, help: "Threads for CPU work; 0 = all cores.")
    var threads: Int = 0

    func validate() throws {
        guard width != nil || height != nil else { throw ValidationError("give --width, --height or both") }
        if let width, width <= 0 { throw ValidationError("--width must be positive") }
        if let height, height <= 0 { throw ValidationError("--height must be positive") }
        guard ResampleFilter(rawValue: filter) != nil else {
            throw ValidationError("unknown --filter '\(filter)'; choose one of: "
                + ResampleFilter.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() async throws {
        let image = try readImage(input, inputOptions, keepMetadata: output.keepMetadata)
        let plan = ResizePlan(source: image.size, width: width, height: height, fit: fit)
        let filter = ResampleFilter(rawValue: filter) ?? .lanczos3
        let pixels = resize(image.pixels, to: plan.scaled, filter: filter)
        let cropped = plan.crop.map { crop(pixels, to: $0) } ?? pixels
        try ImageFile.write(Image(cropped, metadata: image.metadata), to: output.output, options: output.encodeOptions)
    }

    private func resize(_ pixels: Pixels, to size: Size, filter: ResampleFilter) -> Pixels {
        switch pixels {
        case .u8(let b): .u8(Resampler.resize(b, width: size.width, height: size.height, filter: filter, threads: threads))
        case .u16(let b): .u16(Resampler.resize(b, width: size.width, height: size.height, filter: filter, threads: threads))
        }
    }

    private func crop(_ pixels: Pixels, to rect: Rect) -> Pixels {
        switch pixels {
        case .u8(let b): .u8(b.cropped(to: rect))
        case .u16(let b): .u16(b.cropped(to: rect))
        }
    }
}

/// The scaled size and optional centre crop that realise a resize request.
struct ResizePlan: Equatable {
    var scaled: Size
    var crop: Rect?

    init(source: Size, width: Int?, height: Int?, fit: Fit) {
        let sw = Double(source.width), sh = Double(source.height)
        func atLeastOne(_ v: Double) -> Int { max(1, Int(v.rounded())) }
        switch (width, height) {
        case let (w?, nil): scaled = Size(width: w, height: atLeastOne(sh * Double(w) / sw))
        case let (nil, h?): scaled = Size(width: atLeastOne(sw * Double(h) / sh), height: h)
        case let (w?, h?):
            switch fit {
            case .fill: scaled = Size(width: w, height: h)
            case .contain:
                let s = min(Double(w) / sw, Double(h) / sh)
                scaled = Size(width: atLeastOne(sw * s), height: atLeastOne(sh * s))
            case .cover:
                let s = max(Double(w) / sw, Double(h) / sh)
                scaled = Size(width: max(w, atLeastOne(sw * s)), height: max(h, atLeastOne(sh * s)))
                crop = Rect(x: (scaled.width - w) / 2, y: (scaled.height - h) / 2, width: w, height: h)
                return
            }
        case (nil, nil): scaled = source
        }
        crop = nil
    }
}
