import RetouchCore

/// Upright sRGB pixels to file bytes. Metadata is left out unless asked for; then only EXIF
/// is written, with orientation 1 (the pixels are already upright). No ICC profile is
/// embedded because the pixels are sRGB, which readers assume.
public enum ImageEncoder {
    public static func encode(_ image: Image, as format: ImageFormat, options: EncodeOptions = .init()) throws -> [UInt8] {
        let options = try options.validated()
        guard image.size.width > 0, image.size.height > 0 else {
            throw RetouchError(.encodeFailed, "cannot encode an empty \(image.size) image")
        }
        let exif = options.keepMetadata ? image.metadata.exif.map(Exif.resettingOrientation) : nil
        switch format {
        case .jpeg:
            // JPEG has no alpha: transparent areas become white (see compositedOnWhite).
            let pixels = NaiveColour.compositedOnWhite(image.pixels.eightBit)
            let jpeg = try JPEGCodec.encode(pixels, quality: options.quality)
            return exif.map { JPEGMarkers.insertingExif($0, into: jpeg) } ?? jpeg
        case .png:
            let png = try PNGCodec.encode(image.pixels, compression: options.pngCompression)
            return exif.map { PNGChunks.insertingExif($0, into: png) } ?? png
        case .webp:
            // WebP has no gray mode: gray becomes RGB, gray+alpha RGBA.
            let eight = image.pixels.eightBit
            let colour = eight.channels <= 2 ? eight.converted(toChannels: eight.channels + 2) : eight
            let webp = try WebPCodec.encode(colour, quality: options.quality, lossless: options.lossless)
            return exif.map {
                WebPContainer.addingExif($0, to: webp, width: colour.width, height: colour.height, hasAlpha: colour.hasAlpha)
            } ?? webp
        }
    }
}
