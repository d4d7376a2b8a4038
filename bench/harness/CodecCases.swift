import Foundation
import RetouchCodecs
import RetouchCore

/// JPEG decode of the large photo's file and quality-90 encode of its pixels.
enum CodecCases {
    static func run(data: String, runs: Int) throws {
        let path = "\(data)/photo-2400x1600.jpg"
        guard let file = FileManager.default.contents(atPath: path) else {
            throw RetouchError(.io, "cannot read \(path); run bench/fetch_photos.sh first")
        }
        let bytes = [UInt8](file)
        let image = try ImageDecoder.decode(bytes)
        let size = "\(image.size.width)x\(image.size.height)"
        try Timing.measure("decode-jpeg", input: size, output: size, threads: 1, runs: runs) {
            _ = try ImageDecoder.decode(bytes)
        }
        try Timing.measure("encode-jpeg-q90", input: size, output: size, threads: 1, runs: runs) {
            _ = try ImageEncoder.encode(image, as: .jpeg, options: EncodeOptions(quality: 90))
        }
    }
}
