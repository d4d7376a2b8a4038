/// A network that maps an image to a per-pixel text probability, such as the PP-OCR DB detector.
/// Input: one image as three planes (blue, green, red, each `height x width`, values
/// (v / 255 - 0.5) / 0.5), height and width multiples of 32. Output: `height x width` values in [0, 1].
public protocol ProbabilityMapModel: Sendable {
    func run(input: [Float], height: Int, width: Int) throws -> [Float]
}
