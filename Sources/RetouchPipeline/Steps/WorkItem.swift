import RetouchCore
import RetouchOps

/// Whether the router sent an image through overlay removal.
public enum Route: String, Sendable, Codable {
    case cleaned
    case direct
}

/// One image as it moves through the steps of a pipeline.
public struct WorkItem: Sendable {
    public var entry: BatchEntry
    /// The current pixels; nil before decode.
    public var image: Image?
    /// Upright size at decode time.
    public var sourceSize = Size(width: 0, height: 0)
    public var overlayProbability: Double?
    /// Text the detector found, in the coordinates of the image it ran on (`detectedSize`).
    public var textRegions: [TextRegion] = []
    public var detectedSize = Size(width: 0, height: 0)
    /// The stroke mask built at detection time (one channel, `detectedSize`), if any text was found.
    public var textMask: Image8?
    /// A small copy of the decoded image for the report's before/after view; nil unless asked for.
    public var sourceThumbnail: Image8?
    public var route: Route?
    /// One channel, same size as the image, 255 where a fill replaced pixels; QA checks its seams.
    public var filledMask: Image8?
    public var verdict: ImageRecord.Verdict?
    public var reasons: [String] = []
    public var notes: [String] = []
    /// Where the result was written, once encoded.
    public var writtenPath: String?

    public init(entry: BatchEntry) { self.entry = entry }

    public func requireImage(for step: String) throws -> Image {
        guard let image else {
            throw RetouchError(.invalidArgument, "step \(step) needs an image: put decode before it in `steps`")
        }
        return image
    }

    /// Enlarges the record of filled pixels with the image, so QA sees it in place.
    mutating func scaleFilledMask(by factor: Int) {
        guard let mask = filledMask else { return }
        filledMask = Image8(width: mask.width * factor, height: mask.height * factor, channels: 1) { x, y, _ in
            mask[x / factor, y / factor, 0]
        }
    }

    /// Adds pixels that a fill replaced to the record.
    mutating func recordFilled(_ mask: Image8) {
        guard var existing = filledMask, existing.size == mask.size else {
            filledMask = mask
            return
        }
        for i in existing.samples.indices where mask.samples[i] >= 128 { existing.samples[i] = 255 }
        filledMask = existing
    }
}
