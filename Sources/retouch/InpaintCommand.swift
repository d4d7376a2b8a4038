import ArgumentParser
import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

struct Inpaint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove objects, text or scratches: fill masked pixels from their surroundings.",
        discussion: """
            Say what to remove with exactly one of:
              --mask FILE      an image, white (>= 128) = remove; if it has transparency, opaque = remove
              --box x,y,w,h    a rectangle in image pixels (repeatable)
              --regions FILE   JSON: [{"box": [x, y, w, h]}, {"polygon": [[x, y], ...]}] or {"regions": [...]}

            Engines: \(InpaintEngines.registry.entries.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).

            Hints steer the fill deterministically:
              auto             the engine decides (default)
              source=x,y,w,h   take texture only from that rectangle (patch or auto)
              color=#RRGGBB    a flat fill in that colour, edge feathered (studio backdrops)
              blur             a smooth membrane fill

            Only masked pixels (grown by --dilate and --feather) change; alpha is filled like colour.
            16-bit images are filled and written at 8 bits.
            """)

    @Argument(help: "Input image (JPEG, PNG or WebP).")
    var input: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .long, help: "Mask image: white (>= 128) = remove.")
    var mask: String?

    @Option(name: .long, help: ArgumentHelp("A rectangle to remove (repeatable).", valueName: "x,y,w,h"))
    var box: [String] = []

    @Option(name: .long, help: "JSON file of boxes and polygons to remove.")
    var regions: String?

    @Option(name: .long, help: "Engine: \(InpaintEngines.registry.names.joined(separator: ", ")).")
    var engine: String = "auto"

    @Option(name: .long, help: "auto, source=x,y,w,h, color=#RRGGBB or blur.")
    var hint: String = "auto"

    @Option(name: .long, help: "Grow the mask by this many pixels first (catches halos and anti-aliased edges).")
    var dilate: Int = 0

    @Option(name: .long, help: "Blend the fill into the original over this many pixels outside the mask.")
    var feather: Int = 0

    @Option(name: .long, help: "Seed for the patch engine's random search; the same seed gives the same output.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Swap the mask's remove and keep.")
    var invertMask = false

    @Flag(name: .long, help: "Resize a mask of another size to the image (nearest neighbour).")
    var resizeMask = false

    @Option(name: .long, help: "Threads for CPU work; 0 = all cores.")
    var threads: Int = 0

    @Flag(name: .long, help: "Print what was done as JSON.")
    var json = false

    func validate() throws {
        let sources = (mask == nil ? 0 : 1) + (box.isEmpty ? 0 : 1) + (regions == nil ? 0 : 1)
        guard sources == 1 else {
            throw ValidationError("give exactly one of --mask, --box (repeatable) or --regions")
        }
        guard dilate >= 0, feather >= 0 else { throw ValidationError("--dilate and --feather must be 0 or more") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let hint = try InpaintHint(parsing: self.hint)
        _ = try InpaintEngines.registry.lookup(engine)
        let image = try readImage(input, inputOptions, keepMetadata: output.keepMetadata)
        let pixels = image.pixels.eightBit
        var (mask, notes) = try buildMask(for: pixels.size)
        if invertMask { mask = mask.inverted() }
        let result = try Inpainter.inpaint(pixels, mask: mask, engine: engine, hint: hint, dilate: dilate,
                                           feather: feather, seed: seed, context: OperationContext(threads: threads))
        notes += result.notes
        if image.pixels.bitDepth == 16 { notes.append("the 16-bit input was filled and written at 8 bits") }
        try ImageFile.write(Image(result.image, metadata: image.metadata), to: output.output, options: output.encodeOptions)
        let report = InpaintReport(input: input, output: output.output, engine: engine, hint: self.hint,
                                   coverage: mask.coverage, regions: result.regions, notes: notes,
                                   seconds: secondsSince(start))
        if json {
            try printJSON(report)
        } else {
            report.printText()
        }
    }

    /// The mask from whichever of --mask, --box or --regions was given, and any warnings.
    private func buildMask(for size: Size) throws -> (Mask, [String]) {
        if let path = mask {
            let file = try ImageFile.read(path, options: inputOptions.decodeOptions)
            let loaded = try Mask(image: file.pixels.eightBit).fitted(to: size, resize: resizeMask)
            return (loaded, [])
        }
        let shapes: [MaskShape]
        if let path = regions {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RetouchError(.io, "\(path): cannot read the regions file")
            }
            do {
                shapes = try MaskShape.regions(json: [UInt8](data))
            } catch let error as RetouchError {
                throw error.about(file: path)
            }
        } else {
            shapes = try box.map(MaskShape.box(parsing:))
        }
        let drawn = try Mask.drawing(shapes, size: size)
        return (drawn.mask, drawn.warnings)
    }
}

struct InpaintReport: Codable {
    var input: String
    var output: String
    var engine: String
    var hint: String
    /// Fraction of the image the mask covered (before --dilate).
    var coverage: Double
    var regions: [InpaintRegion]
    var notes: [String]
    var seconds: Double

    func printText() {
        for note in notes { print("note: \(note)") }
        for (i, region) in regions.enumerated() {
            let r = region.rect
            print("region \(i + 1): \(r.width)x\(r.height) at \(r.x),\(r.y), \(region.pixelCount) px: \(region.engine)")
        }
        let percent = (coverage * 1000).rounded() / 10, time = (seconds * 100).rounded() / 100
        print("\(output): \(regions.count) region(s), \(percent)% of the image, \(time) s")
    }
}
