import ArgumentParser
import RetouchCodecs
import RetouchCore
import RetouchOps

/// Options shared by `detect` and `erase-text`: how text is found and masked.
struct TextOptions: ParsableArguments {
    @Option(name: .long, help: "Keep text regions whose mean detector confidence is at least this (0-1).")
    var minScore: Float = DBPostProcessing().minScore

    @Flag(name: .long, help: "Mask whole text regions instead of the letters' strokes.")
    var fullBoxes = false

    @Option(name: .long, help: "Grow the stroke mask by this many pixels (anti-aliasing, outlines, JPEG ringing).")
    var dilate: Int = TextMaskBuilder.Options().dilation

    @Option(name: .long, help: "Threads for CPU work; 0 = all cores.")
    var threads: Int = 0

    func validate() throws {
        guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be between 0 and 1") }
        guard (0...64).contains(dilate) else { throw ValidationError("--dilate must be between 0 and 64") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more") }
    }

    /// The analyser, or a model_missing error saying how to install the detector.
    func analyzer() throws -> OverlayAnalyzer {
        let model = Registries.textDetector
        if case .missing(let why) = model.availability() { throw RetouchError(.modelMissing, why) }
        var detection = TextDetector.Options()
        detection.postProcessing.minScore = minScore
        var masks = TextMaskBuilder.Options()
        masks.fullBoxes = fullBoxes
        masks.dilation = dilate
        return OverlayAnalyzer(detector: TextDetector(model: model, options: detection),
                               maskBuilder: TextMaskBuilder(options: masks))
    }

    var context: OperationContext { OperationContext(threads: threads) }
}

/// A text region as the commands print it.
struct RegionReport: Codable {
    var polygon: [[Double]]
    var score: Double

    init(_ region: TextRegion) {
        polygon = region.polygon.map { [($0.x * 100).rounded() / 100, ($0.y * 100).rounded() / 100] }
        score = (Double(region.score) * 1000).rounded() / 1000
    }
}

/// Writes a one-channel mask (255 = remove) as an image file.
func writeMask(_ mask: TextMask, to path: String) throws {
    try ImageFile.write(Image(mask.mask), to: path)
}
