import RetouchCore

/// How images are read.
public struct DecodeOptions: Sendable {
    /// Largest width x height accepted, checked against the header before any pixel memory is
    /// allocated (a decompression bomb is a small file that claims a huge canvas).
    public var maxPixels: Int = 100_000_000
    /// Keep EXIF and the original ICC profile in `Image.metadata` (orientation is always read).
    public var keepMetadata: Bool = false

    public init(maxPixels: Int = 100_000_000, keepMetadata: Bool = false) {
        self.maxPixels = maxPixels
        self.keepMetadata = keepMetadata
    }
}

/// How images are written.
public struct EncodeOptions: Sendable {
    /// 1...100 for JPEG and lossy WebP; for lossless WebP it is the compression effort.
    public var quality: Int = 92
    /// WebP only: encode losslessly (pixels, including colour under transparent areas, kept exactly).
    public var lossless: Bool = false
    /// Write the image's EXIF back (orientation reset to 1, since pixels are upright).
    public var keepMetadata: Bool = false
    /// zlib level 0...9 for PNG.
    public var pngCompression: Int = 6

    public init(quality: Int = 92, lossless: Bool = false, keepMetadata: Bool = false, pngCompression: Int = 6) {
        self.quality = quality
        self.lossless = lossless
        self.keepMetadata = keepMetadata
        self.pngCompression = pngCompression
    }

    func validated() throws -> EncodeOptions {
        guard (1...100).contains(quality) else {
            throw RetouchError(.invalidArgument, "quality \(quality) is out of range; use 1...100")
        }
        guard (0...9).contains(pngCompression) else {
            throw RetouchError(.invalidArgument, "PNG compression level \(pngCompression) is out of range; use 0...9")
        }
        return self
    }
}
