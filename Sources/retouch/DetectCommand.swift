import ArgumentParser
import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

struct Detect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find text on a photo and say how likely it is an overlay (date stamp, caption, watermark, price tag).",
        discussion: """
            Prints the text regions (polygons in image pixels, detector confidence), the overlay
            probability from the routing classifier (at or above \(OverlayRouter.threshold) the photo
            should be cleaned) and the share of the image the stroke mask covers.
            Needs the text detector: scripts/install_models.sh installs it.
            """)

    @Argument(help: "Input image (JPEG, PNG or WebP).")
    var input: String

    @OptionGroup var text: TextOptions
    @OptionGroup var inputOptions: InputOptions

    @Flag(name: .long, help: "Print JSON: overlay_probability, regions, mask_coverage.")
    var json = false

    @Flag(name: .long, help: "Also print the router's input features (for training/overlays/train_router.py).")
    var features = false

    @Option(name: .long, help: "Write the stroke mask here (white = text to remove).")
    var maskOut: String?

    func validate() throws {
        if let maskOut { _ = try ImageFormat.forOutput(path: maskOut) }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let analyzer = try text.analyzer()
        let image = try readImage(input, inputOptions, keepMetadata: false)
        let analysis = try analyzer.analyse(image.pixels.eightBit, context: text.context)
        if let maskOut { try writeMask(analysis.textMask, to: maskOut) }
        let report = DetectReport(analysis, image: image.size, seconds: secondsSince(start), features: features)
        if json {
            try printJSON(report)
        } else {
            report.printText(input)
        }
    }
}

struct DetectReport: Codable {
    var width: Int
    var height: Int
    var overlayProbability: Double
    var regions: [RegionReport]
    var maskCoverage: Double
    var features: [String: Double]?
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case width, height, regions, features, seconds
        case overlayProbability = "overlay_probability"
        case maskCoverage = "mask_coverage"
    }

    init(_ analysis: OverlayAnalysis, image: Size, seconds: Double, features: Bool) {
        width = image.width
        height = image.height
        overlayProbability = (analysis.overlayProbability * 10000).rounded() / 10000
        regions = analysis.detection.regions.map(RegionReport.init)
        maskCoverage = (analysis.textMask.coverage * 1_000_000).rounded() / 1_000_000
        self.features = features ? analysis.features.named : nil
        self.seconds = seconds
    }

    func printText(_ input: String) {
        for (i, region) in regions.enumerated() {
            let corners = region.polygon.map { "\(Int($0[0].rounded())),\(Int($0[1].rounded()))" }.joined(separator: " ")
            print("region \(i + 1): score \(region.score), corners \(corners)")
        }
        let verdict = overlayProbability >= OverlayRouter.threshold ? "overlay: clean it" : "no overlay to clean"
        let percent = (maskCoverage * 10000).rounded() / 100
        print("\(input): \(regions.count) text region(s), p(overlay) \(overlayProbability) (\(verdict)), mask \(percent)% of the image")
    }
}
