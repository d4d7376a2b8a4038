import RetouchCodecs
import RetouchCore

/// Starting inputs, built from the encoders so they follow the code as it changes.
enum FuzzSeeds {
    static func images() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for channels in 1...4 {
            let image = Image(gradient(width: 13, height: 7, channels: channels), metadata: ImageMetadata(exif: exif(orientation: 6)))
            for format in ImageFormat.allCases {
                for lossless in [false, true] where format == .webp || !lossless {
                    let options = EncodeOptions(quality: 75, lossless: lossless, keepMetadata: true)
                    if let bytes = try? ImageEncoder.encode(image, as: format, options: options) {
                        seeds.append(("\(format)-\(channels)ch\(lossless ? "-lossless" : "")", bytes))
                    }
                }
            }
        }
        let deep = PixelBuffer<UInt16>(width: 5, height: 3, channels: 3) { x, y, c in UInt16(x * 9000 + y * 3000 + c * 700) }
        if let png16 = try? ImageEncoder.encode(Image(.u16(deep)), as: .png) { seeds.append(("png-16bit", png16)) }
        if let png = seeds.first(where: { $0.0 == "png-3ch" })?.1 {
            // Odd colour descriptions: a profile that is not ICC, and a gAMA chunk.
            seeds.append(("png-garbage-icc", inserting(pngChunk("iCCP", Array("junk".utf8) + [0, 0, 0x78, 0x9C, 1, 2, 3]), intoPNG: png)))
            seeds.append(("png-gamma", inserting(pngChunk("gAMA", [0, 0, 0x3A, 0x98]), intoPNG: png)))
        }
        return seeds
    }

    static func masks() -> [(name: String, bytes: [UInt8])] {
        let mask = PixelBuffer<UInt8>(width: 9, height: 6, channels: 1) { x, y, _ in x > 3 && y > 1 ? 255 : 0 }
        var seeds: [(String, [UInt8])] = [("raw-gray", [0, 8, 20, 11] + mask.samples),
                                           ("raw-rgba", [3, 3, 5, 5] + [UInt8](repeating: 200, count: 36))]
        if let png = try? ImageEncoder.encode(Image(mask), as: .png) { seeds.append(("png-gray", png)) }
        let alpha = PixelBuffer<UInt8>(width: 4, height: 4, channels: 4) { x, _, c in c == 3 ? (x < 2 ? 0 : 255) : 0 }
        if let png = try? ImageEncoder.encode(Image(alpha), as: .png) { seeds.append(("png-alpha", png)) }
        return seeds
    }

    static func regions() -> [(name: String, bytes: [UInt8])] {
        [("object", #"{"regions": [{"box": [10, 20, 30, 15]}, {"polygon": [[0, 0], [40, 0], [20, 30]]}]}"#),
         ("array", #"[{"box": [-5, -5, 20, 20], "label": "logo"}, {"polygon": [[1.5, 2.25], [60.5, 3], [30, 47.75], [2, 40]]}]"#),
         ("box-text", "10,20,100,50")].map { ($0.0, Array($0.1.utf8)) }
    }

    static func configs() -> [(name: String, bytes: [UInt8])] {
        [("full", """
          # a catalog run
          order = "upscale-first"
          steps = ["decode", "upscale", "encode",]
          threshold = 0.75
          concurrency = 2
          [upscale]
          scale = 2
          model = "lanczos3"
          [output]
          format = "webp"
          quality = 85
          [qa]
          max_seam = 1.5
          """),
         ("overrides", "upscale.model=bicubic\nerase.dilate=4\noutput.format=png")].map { ($0.0, Array($0.1.utf8)) }
    }

    private static func gradient(width: Int, height: Int, channels: Int) -> Image8 {
        Image8(width: width, height: height, channels: channels) { x, y, c in UInt8((x * 19 + y * 31 + c * 60) % 256) }
    }

    /// A little-endian TIFF block whose IFD0 holds only an orientation.
    private static func exif(orientation: Int) -> [UInt8] {
        Array("II".utf8) + [42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, UInt8(orientation), 0, 0, 0, 0, 0, 0, 0]
    }

    private static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        for shift in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: data.count >> shift)) }
        let typed = Array(type.utf8) + data
        return out + typed + crc32(typed)
    }

    /// After IHDR, where colour chunks belong.
    private static func inserting(_ chunk: [UInt8], intoPNG png: [UInt8]) -> [UInt8] {
        var out = png
        out.insert(contentsOf: chunk, at: min(png.count, 33))
        return out
    }

    private static func crc32(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) }
    }
}
