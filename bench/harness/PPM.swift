import Foundation
import RetouchCore

/// Reads the binary PPM (P6, 8-bit) files bench/fetch_photos.sh writes beside its JPEGs, so
/// resampling can be timed on real pixels independently of any decoder.
enum PPM {
    static func read(_ path: String) throws -> Image8 {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RetouchError(.io, "cannot read \(path); run bench/fetch_photos.sh first")
        }
        let bytes = [UInt8](data)
        var fields: [Int] = []
        var i = 2
        // Header: "P6", width, height, maxval, separated by whitespace, then one whitespace byte.
        while fields.count < 3 && i < bytes.count {
            while i < bytes.count && isSpace(bytes[i]) { i += 1 }
            var value = 0
            while i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 {
                value = value * 10 + Int(bytes[i] - 48)
                i += 1
            }
            fields.append(value)
        }
        let pixelStart = i + 1
        guard bytes.starts(with: [80, 54]), fields.count == 3, fields[2] == 255,
              bytes.count - pixelStart == fields[0] * fields[1] * 3 else {
            throw RetouchError(.corruptImage, "\(path) is not an 8-bit binary PPM")
        }
        return Image8(width: fields[0], height: fields[1], channels: 3, samples: Array(bytes[pixelStart...]))
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 13 || b == 9 }
}
