import RetouchCore

/// Walks a JPEG's marker segments up to the first scan, collecting the frame header and the
/// metadata Retouch uses: EXIF (APP1), ICC (APP2, possibly split over several segments) and
/// Adobe's APP14, which marks inverted CMYK.
enum JPEGMarkers {
    static let maxSide = 65_535

    static func header(_ bytes: [UInt8]) throws -> SourceHeader {
        var frame: (width: Int, height: Int, components: Int)?
        var exif: [UInt8]?
        var iccChunks: [Int: [UInt8]] = [:]
        var iccDeclaredCount = 0
        var adobe = false
        var pos = 2
        scan: while true {
            guard pos < bytes.count else { throw truncated }
            guard bytes[pos] == 0xFF else {
                throw RetouchError(.corruptImage, "JPEG marker expected at byte \(pos); the file is damaged")
            }
            while pos < bytes.count && bytes[pos] == 0xFF { pos += 1 }  // fill bytes
            guard let marker = bytes.u8(at: pos) else { throw truncated }
            pos += 1
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }  // no payload
            if marker == 0xD9 { throw RetouchError(.corruptImage, "the JPEG ends before any image data") }
            guard let length = bytes.bigEndian16(at: pos) else { throw truncated }
            guard length >= 2 else { throw RetouchError(.corruptImage, "JPEG segment at byte \(pos) has an invalid length") }
            guard pos + length <= bytes.count else { throw truncated }
            let body = pos + 2, bodyLength = length - 2
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                frame = try frameHeader(bytes, at: body, length: bodyLength, marker: marker)
            case 0xE1 where exif == nil && bytes.matches(Exif.exifPrefix, at: body):
                exif = bytes.bytes(at: body + 6, count: bodyLength - 6)
            case 0xE2 where bytes.matches(iccSignature, at: body) && bodyLength >= iccSignature.count + 2:
                let sequence = Int(bytes[body + 12]), total = Int(bytes[body + 13])
                iccDeclaredCount = max(iccDeclaredCount, total)
                iccChunks[sequence] = bytes.bytes(at: body + 14, count: bodyLength - 14)
            case 0xEE where bytes.matches(Array("Adobe".utf8), at: body):
                adobe = true
            case 0xDA:
                break scan
            default:
                break
            }
            pos += length
        }
        guard let frame else { throw RetouchError(.corruptImage, "the JPEG has image data but no frame header") }
        var header = SourceHeader(format: .jpeg, width: frame.width, height: frame.height,
                                  channels: frame.components, bitDepth: 8,
                                  colorModel: frame.components == 1 ? .gray : frame.components == 4 ? .cmyk : .rgb)
        header.cmykInverted = adobe && frame.components == 4
        header.exif = exif
        header.orientation = exif.flatMap(Exif.orientation) ?? 1
        (header.icc, header.iccProblem) = assembleICC(iccChunks, declared: iccDeclaredCount)
        return try header.validatingDimensions(maxSide: maxSide)
    }

    static let iccSignature: [UInt8] = Array("ICC_PROFILE".utf8) + [0]

    private static var truncated: RetouchError {
        RetouchError(.truncatedImage, "the JPEG file is truncated: it ends inside its headers")
    }

    private static func frameHeader(_ bytes: [UInt8], at body: Int, length: Int,
                                    marker: Int) throws -> (width: Int, height: Int, components: Int) {
        guard length >= 6, let precision = bytes.u8(at: body), let height = bytes.bigEndian16(at: body + 1),
              let width = bytes.bigEndian16(at: body + 3), let components = bytes.u8(at: body + 5) else {
            throw RetouchError(.corruptImage, "the JPEG frame header is too short")
        }
        if [0xC3, 0xC7, 0xCB, 0xCF].contains(marker) {
            throw RetouchError(.unsupportedFormat, "lossless JPEG is not supported; convert it to PNG first")
        }
        guard precision == 8 else {
            throw RetouchError(.unsupportedFormat, "\(precision)-bit JPEG is not supported, only 8-bit; convert it first")
        }
        guard [1, 3, 4].contains(components) else {
            throw RetouchError(.corruptImage, "the JPEG declares \(components) colour components (expected 1, 3 or 4)")
        }
        return (width, height, components)
    }

    /// Joins APP2 ICC chunks in sequence order; a gap or a disagreeing count makes the
    /// profile unusable rather than silently wrong.
    private static func assembleICC(_ chunks: [Int: [UInt8]], declared: Int) -> ([UInt8]?, String?) {
        guard !chunks.isEmpty else { return (nil, nil) }
        guard declared > 0, chunks.count == declared, (1...declared).allSatisfy({ chunks[$0] != nil }) else {
            return (nil, "incomplete ICC profile (\(chunks.count) of \(declared) parts)")
        }
        return ((1...declared).flatMap { chunks[$0] ?? [] }, nil)
    }

    /// Inserts an EXIF APP1 segment after SOI and any JFIF APP0, where readers look for it.
    /// Blocks too large for one segment (64 KiB) are left out.
    static func insertingExif(_ tiff: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        let payload = Exif.exifPrefix + tiff
        guard payload.count + 2 <= 0xFFFF, jpeg.count >= 2 else { return jpeg }
        var at = 2
        if jpeg.matches([0xFF, 0xE0], at: 2), let length = jpeg.bigEndian16(at: 4), 4 + length <= jpeg.count {
            at = 4 + length
        }
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        var out = jpeg
        out.insert(contentsOf: segment, at: at)
        return out
    }
}
