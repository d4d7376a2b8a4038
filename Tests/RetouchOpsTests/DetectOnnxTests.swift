import Testing
import RetouchCore
import RetouchInference
@testable import RetouchOps

/// The installed PP-OCR detector; fails (never skips) with the set-up command when missing.
func installedTextDetector() throws -> TextDetector {
    let model = OnnxProbabilityMap(config: try InferenceConfig.fromEnvironment())
    if case .missing(let why) = model.availability() {
        Issue.record("\(why) — run scripts/install_models.sh")
        throw RetouchError(.modelMissing, why)
    }
    return TextDetector(model: model)
}

@Test func realDetectorFindsStampedTextWhereItIs() throws {
    let detector = try installedTextDetector()
    var photo = DetectScene.photo(width: 480, height: 320)
    let ink = DetectScene.inkMask("SALE 2024", x: 40, y: 250, cell: 4, size: photo.size)
    DetectScene.draw(ink, colour: [255, 255, 255], on: &photo)
    let detection = try detector.detect(photo)
    #expect(!detection.regions.isEmpty)
    let textBox = Rect(x: 40, y: 250, width: (9 * 6 - 1) * 4, height: 28)
    for region in detection.regions {
        let bounds = try #require(region.pixelBounds(in: photo.size))
        // Every region found lies on the text (with the unclip margin), none on the background.
        #expect(bounds.intersection(textBox).width > 0, "region \(bounds) away from the text")
    }
    let covered = detection.regions.compactMap { $0.pixelBounds(in: photo.size) }
        .reduce(0) { $0 + $1.intersection(textBox).width * $1.intersection(textBox).height }
    #expect(Double(covered) > 0.6 * Double(textBox.width * textBox.height))
}

@Test func realDetectorFindsNothingOnAPlainPhoto() throws {
    let detector = try installedTextDetector()
    let detection = try detector.detect(DetectScene.photo(width: 400, height: 300))
    #expect(detection.regions.isEmpty)
}
