import RetouchCore

/// Walks a PNG's chunk list for the header, transparency, colour and EXIF information.
/// Chunks are stepped over by their length, so text chunks of any size cost nothing; only
/// iCCP and eXIf are copied, each under a cap.
enum PNGChunks {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// libpng's default limit; wider or taller headers are refused there too.
    static let maxSide = 1_000_000
    static let maxICCBytes = 16 << 20
    static let maxExifBytes = 4 << 20

    static func header(_ bytes: [UInt8]) throws -> SourceHeader {
        guard bytes.count >= signature.count + 8 + 13 + 4 else {
            throw RetouchError(.truncatedImage, "the PNG file is truncated: it ends inside its header")
        }
        guard bytes.matches(Array("IHDR".utf8), at: 12), bytes.bigEndian32(at: 8) == 13 else {
            throw RetouchError(.corruptImage, "the PNG does not start with an IHDR header chunk")
        }
        var header = try ihdr(bytes, at: 16)
        var sawData = false, sawTransparency = false, sawSRGB = false
        var gamma: Double?
        var compressedICC: ArraySlice<UInt8>?
        var pos = signature.count
        walk: while pos + 8 <= bytes.count {
            guard let length = bytes.bigEndian32(at: pos), length <= Int(Int32.max) else { break }
            let body = pos + 8, type = String(decoding: bytes[pos + 4..<pos + 8], as: UTF8.self)
            let end = body + length + 4
            let complete = end <= bytes.count
            switch type {
            case "IDAT": sawData = true
            case "IEND": break walk
            case "tRNS" where !sawData: sawTransparency = true
            case "sRGB": sawSRGB = true
            case "gAMA" where complete && length == 4:
                gamma = bytes.bigEndian32(at: body).map { Double($0) / 100_000 }
            case "iCCP" where complete && !sawData:
                compressedICC = bytes[body..<body + length]
            case "eXIf" where complete && length <= maxExifBytes && header.exif == nil:
                header.exif = Exif.strippingPrefix(Array(bytes[body..<body + length]))
            default: break
            }
            pos = end
        }
        guard sawData else {
            throw RetouchError(.truncatedImage, "the PNG file is truncated: it ends before its image data")
        }
        // tRNS on gray, RGB or a palette becomes an alpha channel (libpng's expand does this).
        if sawTransparency && (header.channels == 1 || header.channels == 3) { header.channels += 1 }
        header.orientation = header.exif.flatMap(Exif.orientation) ?? 1
        if let compressedICC {
            (header.icc, header.iccProblem) = inflateICC(compressedICC)
        }
        // sRGB and iCCP override gAMA; a gamma within 5% of 1/2.2 is what sRGB writers tag.
        if let g = gamma, header.icc == nil, !sawSRGB, abs(g * 2.2 - 1) > 0.05 {
            header.gamma = g
        }
        return try header.validatingDimensions(maxSide: maxSide)
    }

    private static func ihdr(_ bytes: [UInt8], at body: Int) throws -> SourceHeader {
        guard let width = bytes.bigEndian32(at: body), let height = bytes.bigEndian32(at: body + 4),
              let depth = bytes.u8(at: body + 8), let colourType = bytes.u8(at: body + 9) else {
            throw RetouchError(.truncatedImage, "the PNG file is truncated: it ends inside its header")
        }
        let allowedDepths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowedDepths[colourType], depths.contains(depth) else {
            throw RetouchError(.corruptImage, "the PNG header has an invalid colour type \(colourType) with bit depth \(depth)")
        }
        let model: ColorModel = colourType == 3 ? .indexed : (colourType & 2) != 0 ? .rgb : .gray
        let channels = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][colourType] ?? 3
        return SourceHeader(format: .png, width: width, height: height, channels: channels,
                            bitDepth: depth == 16 ? 16 : 8, colorModel: model)
    }

    /// iCCP is a Latin-1 name, a NUL, a method byte (0 = zlib) and the compressed profile.
    private static func inflateICC(_ chunk: ArraySlice<UInt8>) -> ([UInt8]?, String?) {
        guard let nul = chunk.prefix(80).firstIndex(of: 0), nul + 1 < chunk.endIndex, chunk[nul + 1] == 0 else {
            return (nil, "malformed iCCP chunk")
        }
        guard let profile = Zlib.inflate(chunk[(nul + 2)...], limit: maxICCBytes) else {
            return (nil, "damaged or oversized ICC profile")
        }
        return (profile, nil)
    }

    /// A chunk with its length and CRC, for adding metadata to encoder output.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.appendBigEndian32(data.count)
        let typed = Array(type.utf8) + data
        out += typed
        out.appendBigEndian32(Int(Zlib.crc32(typed)))
        return out
    }

    /// Inserts an eXIf chunk right after IHDR, before the image data as readers expect.
    static func insertingExif(_ tiff: [UInt8], into png: [UInt8]) -> [UInt8] {
        let afterIHDR = signature.count + 8 + 13 + 4
        guard png.count >= afterIHDR else { return png }
        var out = png
        out.insert(contentsOf: chunk("eXIf", tiff), at: afterIHDR)
        return out
    }
}
