/// The parts of an EXIF block (a TIFF structure, from its "II"/"MM" byte-order mark on)
/// Retouch needs: the Orientation tag of IFD0, read and reset.
enum Exif {
    static let orientationTag = 0x0112

    /// The orientation 1...8 the block declares, or nil when absent or out of range.
    static func orientation(_ tiff: [UInt8]) -> Int? {
        guard let field = orientationField(tiff) else { return nil }
        let value = field.read(tiff, field.offset)
        return value.flatMap { (1...8).contains($0) ? $0 : nil }
    }

    /// The block with its orientation set to 1, for writing next to pixels that are upright.
    static func resettingOrientation(_ tiff: [UInt8]) -> [UInt8] {
        guard let field = orientationField(tiff) else { return tiff }
        var out = tiff
        let bigEndian = tiff[0] == UInt8(ascii: "M")
        let one: [UInt8] = field.width == 2 ? (bigEndian ? [0, 1] : [1, 0]) : (bigEndian ? [0, 0, 0, 1] : [1, 0, 0, 0])
        out.replaceSubrange(field.offset..<field.offset + field.width, with: one)
        return out
    }

    /// Removes the "Exif\0\0" prefix some writers leave in front of the TIFF header.
    static func strippingPrefix(_ block: [UInt8]) -> [UInt8] {
        block.matches(exifPrefix, at: 0) ? Array(block.dropFirst(exifPrefix.count)) : block
    }

    static let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]

    private struct Field {
        var offset: Int
        var width: Int
        var read: ([UInt8], Int) -> Int?
    }

    /// Finds the orientation entry's value in IFD0; nil for anything malformed.
    private static func orientationField(_ tiff: [UInt8]) -> Field? {
        let bigEndian: Bool
        if tiff.matches(Array("MM".utf8), at: 0) { bigEndian = true }
        else if tiff.matches(Array("II".utf8), at: 0) { bigEndian = false }
        else { return nil }
        let read16: ([UInt8], Int) -> Int? = bigEndian ? { $0.bigEndian16(at: $1) } : { $0.littleEndian16(at: $1) }
        let read32: ([UInt8], Int) -> Int? = bigEndian ? { $0.bigEndian32(at: $1) } : { $0.littleEndian32(at: $1) }
        guard read16(tiff, 2) == 42, let ifd = read32(tiff, 4), let entries = read16(tiff, ifd) else { return nil }
        for e in 0..<entries {
            let entry = ifd + 2 + e * 12
            guard let tag = read16(tiff, entry), let type = read16(tiff, entry + 2),
                  let count = read32(tiff, entry + 4) else { return nil }
            guard tag == orientationTag, count == 1 else { continue }
            let field: Field
            switch type {
            case 3: field = Field(offset: entry + 8, width: 2, read: read16)  // SHORT, as the standard says
            case 4: field = Field(offset: entry + 8, width: 4, read: read32)  // LONG, written by some tools
            default: return nil
            }
            return field.offset + field.width <= tiff.count ? field : nil
        }
        return nil
    }
}
