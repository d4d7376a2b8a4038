import RetouchCore

/// Bytes to upright sRGB pixels. The format comes from the bytes, never from a file name.
public enum ImageDecoder {
    /// Reads only the headers: size, orientation, channels, depth, colour model and profile.
    public static func probe(_ bytes: [UInt8]) throws -> ImageInfo {
        let header = try sourceHeader(bytes)
        let upright = header.orientationValue.swapsAxes
        return ImageInfo(format: header.format,
                         width: upright ? header.height : header.width,
                         height: upright ? header.width : header.height,
                         storedWidth: header.width, storedHeight: header.height,
                         channels: header.decodedChannels, bitDepth: header.bitDepth, hasAlpha: header.hasAlpha,
                         orientation: header.orientation, colorModel: header.colorModel.rawValue,
                         iccProfile: iccDescription(header), fileSize: bytes.count)
    }

    /// Decodes, converts to sRGB and applies the EXIF orientation. The header's pixel count
    /// is checked against `options.maxPixels` before any pixel memory is allocated.
    public static func decode(_ bytes: [UInt8], options: DecodeOptions = .init()) throws -> Image {
        let header = try sourceHeader(bytes)
        try checkLimit(header, maxPixels: options.maxPixels)
        let stored: Pixels = switch header.format {
        case .jpeg: .u8(try JPEGCodec.decode(bytes, header: header))
        case .png: try PNGCodec.decode(bytes, header: header)
        case .webp: .u8(try WebPCodec.decode(bytes, header: header))
        }
        let upright = SRGBConversion.apply(stored, header: header).applying(header.orientationValue)
        let metadata = ImageMetadata(exif: options.keepMetadata ? header.exif : nil,
                                     iccProfile: options.keepMetadata ? header.icc : nil,
                                     iccDescription: iccDescription(header),
                                     orientation: header.orientation,
                                     sourceColorModel: header.colorModel.rawValue)
        return Image(upright, metadata: metadata)
    }

    static func sourceHeader(_ bytes: [UInt8]) throws -> SourceHeader {
        guard !bytes.isEmpty else {
            throw RetouchError(.emptyFile, "the file is empty (0 bytes); it was probably not fully written or downloaded")
        }
        guard let format = ImageFormat.detect(bytes) else { throw unsupported(bytes) }
        switch format {
        case .jpeg: return try JPEGMarkers.header(bytes)
        case .png: return try PNGChunks.header(bytes)
        case .webp: return try WebPContainer.header(bytes)
        }
    }

    static func checkLimit(_ header: SourceHeader, maxPixels: Int) throws {
        let pixels = header.width * header.height
        guard pixels <= maxPixels else {
            throw RetouchError(.imageTooLarge,
                               "the image is \(header.width)x\(header.height) (\(megapixels(pixels)) megapixels), over the limit of \(megapixels(maxPixels)) megapixels; if you trust this file, raise the limit with --max-pixels")
        }
    }

    private static func unsupported(_ bytes: [UInt8]) -> RetouchError {
        let supported = "Retouch reads JPEG, PNG and WebP"
        let signatures: [(ImageFormat, [UInt8])] = [(.jpeg, [0xFF, 0xD8, 0xFF]), (.png, PNGChunks.signature),
                                                    (.webp, Array("RIFF".utf8))]
        if let (format, _) = signatures.first(where: { bytes.count < 12 && $0.1.starts(with: bytes.prefix($0.1.count)) }) {
            return RetouchError(.truncatedImage, "the file is only \(bytes.count) byte(s), the start of a \(format.displayName) file cut short")
        }
        if let name = ImageFormat.describeUnsupported(bytes) {
            return RetouchError(.unsupportedFormat, "this looks like \(name), not an image format Retouch reads; \(supported), so convert it first")
        }
        let head = bytes.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        return RetouchError(.unsupportedFormat, "not a recognised image (it starts with bytes \(head)); \(supported)")
    }

    /// What `info` shows for the embedded profile, saying so when it was not used.
    private static func iccDescription(_ header: SourceHeader) -> String? {
        if let problem = header.iccProblem { return "\(problem), ignored" }
        guard let icc = header.icc else { return nil }
        guard let profile = ICCProfile(bytes: icc) else { return "unreadable ICC profile, ignored" }
        let name = profile.description ?? "unnamed ICC profile"
        return profile.space == SRGBConversion.space(of: header) ? name : "\(name) (does not fit the image's colour model, ignored)"
    }
}

/// A pixel count in megapixels with one decimal ("2500.0"), without Foundation's formatting.
func megapixels(_ pixels: Int) -> String {
    let tenths = (Double(pixels) / 100_000).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
