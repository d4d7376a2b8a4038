import RetouchCore

/// What a file's headers say, without decoding its pixels.
public struct ImageInfo: Sendable, Codable, Equatable {
    public var format: ImageFormat
    /// Size as displayed, after the EXIF orientation is applied.
    public var width: Int
    public var height: Int
    /// Size as stored in the file.
    public var storedWidth: Int
    public var storedHeight: Int
    /// Channels and depth of the image `ImageDecoder.decode` returns (CMYK comes back as RGB,
    /// palettes as RGB or RGBA).
    public var channels: Int
    public var bitDepth: Int
    public var hasAlpha: Bool
    /// EXIF orientation 1...8 the file declares (1 when it declares none).
    public var orientation: Int
    /// How the file stores colour: "RGB", "Gray", "CMYK" or "Indexed".
    public var colorModel: String
    /// Description of the embedded ICC profile, if there is one.
    public var iccProfile: String?
    public var fileSize: Int?

    public init(format: ImageFormat, width: Int, height: Int, storedWidth: Int, storedHeight: Int,
                channels: Int, bitDepth: Int, hasAlpha: Bool, orientation: Int, colorModel: String,
                iccProfile: String?, fileSize: Int?) {
        self.format = format
        self.width = width
        self.height = height
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.channels = channels
        self.bitDepth = bitDepth
        self.hasAlpha = hasAlpha
        self.orientation = orientation
        self.colorModel = colorModel
        self.iccProfile = iccProfile
        self.fileSize = fileSize
    }

    public var pixelCount: Int { width * height }
}
