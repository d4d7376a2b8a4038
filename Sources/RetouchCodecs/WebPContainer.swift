import CWebP
import RetouchCore

/// The RIFF side of WebP: the bitstream header through libwebp, the ICCP and EXIF chunks by
/// walking the chunk list here.
enum WebPContainer {
    /// VP8 and VP8L store 14-bit dimensions.
    static let maxSide = 16_383
    static let maxMetadataBytes = 16 << 20

    static func header(_ bytes: [UInt8]) throws -> SourceHeader {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress, $0.count, &features) }
        if let problem = statusError(status, while: "reading the WebP header") { throw problem }
        if features.has_animation != 0 {
            throw RetouchError(.unsupportedFormat, "animated WebP is not supported; extract a single frame first")
        }
        var header = SourceHeader(format: .webp, width: Int(features.width), height: Int(features.height),
                                  channels: features.has_alpha != 0 ? 4 : 3, bitDepth: 8, colorModel: .rgb)
        let chunks = metadataChunks(bytes)
        header.icc = chunks.icc
        header.exif = chunks.exif.map(Exif.strippingPrefix)
        header.orientation = header.exif.flatMap(Exif.orientation) ?? 1
        return try header.validatingDimensions(maxSide: maxSide)
    }

    /// Maps libwebp's status to Retouch's error codes; nil for success.
    static func statusError(_ status: VP8StatusCode, while action: String) -> RetouchError? {
        switch status {
        case VP8_STATUS_OK: nil
        case VP8_STATUS_NOT_ENOUGH_DATA: RetouchError(.truncatedImage, "the WebP file is truncated (\(action))")
        case VP8_STATUS_UNSUPPORTED_FEATURE: RetouchError(.unsupportedFormat, "the WebP uses a feature libwebp does not support")
        case VP8_STATUS_OUT_OF_MEMORY: RetouchError(.imageTooLarge, "not enough memory to decode this WebP")
        default: RetouchError(.corruptImage, "the WebP data is damaged (\(action))")
        }
    }

    private static func metadataChunks(_ bytes: [UInt8]) -> (icc: [UInt8]?, exif: [UInt8]?) {
        var icc: [UInt8]?, exif: [UInt8]?
        var pos = 12
        while pos + 8 <= bytes.count, let size = bytes.littleEndian32(at: pos + 4) {
            let body = pos + 8
            let fourCC = String(decoding: bytes[pos..<pos + 4], as: UTF8.self)
            if size <= maxMetadataBytes, let data = bytes.bytes(at: body, count: size) {
                if fourCC == "ICCP" && icc == nil { icc = data }
                if fourCC == "EXIF" && exif == nil { exif = data }
            }
            pos = body + size + (size & 1)
        }
        return (icc, exif)
    }

    /// Rewraps encoder output in an extended (VP8X) container with an EXIF chunk.
    static func addingExif(_ tiff: [UInt8], to webp: [UInt8], width: Int, height: Int, hasAlpha: Bool) -> [UInt8] {
        var chunks = [UInt8]()
        var pos = 12
        while pos + 8 <= webp.count, let size = webp.littleEndian32(at: pos + 4) {
            let end = min(webp.count, pos + 8 + size + (size & 1))
            if !webp.matches(Array("VP8X".utf8), at: pos) { chunks += webp[pos..<end] }
            pos = end
        }
        let exifFlag: UInt8 = 0x08, alphaFlag: UInt8 = 0x10
        var vp8x: [UInt8] = Array("VP8X".utf8)
        vp8x.appendLittleEndian32(10)
        vp8x += [exifFlag | (hasAlpha ? alphaFlag : 0), 0, 0, 0]
        vp8x.appendLittleEndian24(width - 1)
        vp8x.appendLittleEndian24(height - 1)
        var exifChunk: [UInt8] = Array("EXIF".utf8)
        exifChunk.appendLittleEndian32(tiff.count)
        exifChunk += tiff
        if tiff.count & 1 == 1 { exifChunk.append(0) }
        let body = Array("WEBP".utf8) + vp8x + chunks + exifChunk
        var out: [UInt8] = Array("RIFF".utf8)
        out.appendLittleEndian32(body.count)
        return out + body
    }
}
