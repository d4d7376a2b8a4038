import RetouchCore

/// How a file stores colour.
enum ColorModel: String {
    case rgb = "RGB", gray = "Gray", cmyk = "CMYK", indexed = "Indexed"
}

/// What a container's headers say: enough to check limits, describe the file and plan the
/// decode, found without touching compressed pixel data.
struct SourceHeader {
    var format: ImageFormat
    /// Stored (not yet oriented) size.
    var width: Int
    var height: Int
    /// Samples per pixel and bits per sample the codec delivers before colour conversion
    /// (4 for CMYK, 3 or 4 for a palette).
    var channels: Int
    var bitDepth: Int
    var colorModel: ColorModel
    var orientation: Int = 1
    /// The embedded ICC profile, reassembled and decompressed.
    var icc: [UInt8]?
    /// Why an embedded profile could not be recovered, when it could not.
    var iccProblem: String?
    /// The EXIF block from its TIFF header on.
    var exif: [UInt8]?
    /// PNG only: the gAMA exponent when no sRGB or iCCP chunk overrides it.
    var gamma: Double?
    /// JPEG only: CMYK stored inverted, as Adobe applications write it (signalled by APP14).
    var cmykInverted: Bool = false

    var hasAlpha: Bool { colorModel != .cmyk && (channels == 2 || channels == 4) }

    /// The channel count of the sRGB image decoding produces.
    var decodedChannels: Int { colorModel == .cmyk ? 3 : channels }

    var orientationValue: Orientation { Orientation(rawValue: orientation) ?? .up }

    /// Rejects zero or beyond-the-format sizes: they mean a damaged or forged header.
    func validatingDimensions(maxSide: Int) throws -> SourceHeader {
        guard width > 0, height > 0 else {
            throw RetouchError(.corruptImage, "the \(format.displayName) header gives an empty size \(width)x\(height)")
        }
        guard width <= maxSide, height <= maxSide else {
            throw RetouchError(.corruptImage,
                               "the \(format.displayName) header claims \(width)x\(height), beyond the format's limit of \(maxSide) pixels a side")
        }
        return self
    }
}

extension ImageFormat {
    var displayName: String {
        switch self { case .jpeg: "JPEG"; case .png: "PNG"; case .webp: "WebP" }
    }
}
