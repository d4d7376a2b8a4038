/// Decoded pixels at the depth the file had.
public enum Pixels: Sendable, Equatable {
    case u8(Image8)
    case u16(Image16)

    public var width: Int { switch self { case .u8(let b): b.width; case .u16(let b): b.width } }
    public var height: Int { switch self { case .u8(let b): b.height; case .u16(let b): b.height } }
    public var channels: Int { switch self { case .u8(let b): b.channels; case .u16(let b): b.channels } }
    public var bitDepth: Int { switch self { case .u8: 8; case .u16: 16 } }
    public var size: Size { Size(width: width, height: height) }
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// 8-bit view; 16-bit samples are rounded.
    public var eightBit: Image8 {
        switch self {
        case .u8(let b): b
        case .u16(let b): b.map { UInt8((UInt32($0) * 255 + 32767) / 65535) }
        }
    }

    /// Normalised float view.
    public var float: ImageF {
        switch self { case .u8(let b): b.normalisedFloat(); case .u16(let b): b.normalisedFloat() }
    }
}

/// What a file carried besides its pixels. Colour is always sRGB after decoding; the
/// original profile is kept only so it can be re-embedded when metadata is kept.
public struct ImageMetadata: Sendable, Equatable {
    /// The raw EXIF block (TIFF header onwards), if any.
    public var exif: [UInt8]?
    /// The embedded ICC profile as found in the file, if any.
    public var iccProfile: [UInt8]?
    /// A short description of that profile (e.g. "Display P3"), for `info`.
    public var iccDescription: String?
    /// The EXIF orientation (1...8) the file declared; pixels are already upright.
    public var orientation: Int = 1
    /// Colour model of the stored samples before conversion (e.g. "CMYK", "Gray", "RGB").
    public var sourceColorModel: String = "RGB"

    public init(exif: [UInt8]? = nil, iccProfile: [UInt8]? = nil, iccDescription: String? = nil,
                orientation: Int = 1, sourceColorModel: String = "RGB") {
        self.exif = exif; self.iccProfile = iccProfile; self.iccDescription = iccDescription
        self.orientation = orientation; self.sourceColorModel = sourceColorModel
    }
}

/// An upright, sRGB image and the metadata its file carried.
public struct Image: Sendable, Equatable {
    public var pixels: Pixels
    public var metadata: ImageMetadata

    public init(_ pixels: Pixels, metadata: ImageMetadata = ImageMetadata()) {
        self.pixels = pixels
        self.metadata = metadata
    }

    public init(_ buffer: Image8, metadata: ImageMetadata = ImageMetadata()) {
        self.init(.u8(buffer), metadata: metadata)
    }

    public var size: Size { pixels.size }
}
