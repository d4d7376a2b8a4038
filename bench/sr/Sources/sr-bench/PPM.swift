import Foundation
import RetouchCore

/// Binary PPM (P6, 8-bit RGB): the bench's exchange format with its Python half, chosen
/// because both sides can read and write it in a few lines without an image library.
enum PPM {
    static func read(_ path: String) throws -> Image8 {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var fields: [String] = [], i = 0
        while fields.count < 4 && i < data.count {
            while i < data.count, data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09 { i += 1 }
            var token = ""
            while i < data.count, !(data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) {
                token.append(Character(UnicodeScalar(data[i]))); i += 1
            }
            fields.append(token)
        }
        i += 1
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
              data.count - i == w * h * 3 else {
            throw RetouchError(.corruptImage, "\(path) is not an 8-bit binary PPM")
        }
        return Image8(width: w, height: h, channels: 3, samples: Array(data[i...]))
    }

    static func write(_ image: Image8, to path: String) throws {
        var bytes = Array("P6\n\(image.width) \(image.height)\n255\n".utf8)
        bytes.append(contentsOf: image.converted(toChannels: 3).samples)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
