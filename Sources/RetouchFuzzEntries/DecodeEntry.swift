import RetouchCodecs
import RetouchCore

/// The product's decode path: probe the headers, decode to upright sRGB, and (for small images)
/// write the result back with its EXIF the way `--keep-metadata` does, then read that again.
enum DecodeEntry {
    /// Keeps each run fast; the limit check itself is the same code at any limit.
    static let maxPixels = 1 << 22
    static let reencodeMaxPixels = 1 << 14

    static func run(_ bytes: [UInt8]) {
        let info = try? ImageDecoder.probe(bytes)
        guard let image = try? ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: maxPixels, keepMetadata: true))
        else { return }
        guard let info else { return require(false, "decode succeeded where probe failed") }
        require(info.width == image.size.width && info.height == image.size.height,
                "probe says \(info.width)x\(info.height), decode gave \(image.size)")
        require(info.channels == image.pixels.channels, "probe says \(info.channels) channels, decode gave \(image.pixels.channels)")
        require(info.bitDepth == image.pixels.bitDepth, "probe says \(info.bitDepth)-bit, decode gave \(image.pixels.bitDepth)-bit")
        guard image.size.pixelCount <= reencodeMaxPixels else { return }
        for format in ImageFormat.allCases {
            let options = EncodeOptions(quality: 80, lossless: true, keepMetadata: true, pngCompression: 1)
            guard let written = try? ImageEncoder.encode(image, as: format, options: options) else {
                return require(false, "re-encoding a decoded \(image.size) image as \(format) failed")
            }
            let back = try? ImageDecoder.decode(written)
            require(back?.size == image.size, "\(format) written from a decoded image does not read back at \(image.size)")
        }
    }
}
