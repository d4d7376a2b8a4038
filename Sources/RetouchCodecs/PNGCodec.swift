import CPNGBridge
import RetouchCore

/// PNG pixels through libpng (via the setjmp bridge); samples come out exactly as stored.
enum PNGCodec {
    static func decode(_ bytes: [UInt8], header: SourceHeader) throws -> Pixels {
        let count = header.width * header.height * header.channels
        if header.bitDepth == 16 {
            let samples = try [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
                try read(bytes, into: UnsafeMutableRawPointer(out.baseAddress), header: header)
                initialised = count
            }
            return .u16(Image16(width: header.width, height: header.height, channels: header.channels, samples: samples))
        }
        let samples = try [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            try read(bytes, into: UnsafeMutableRawPointer(out.baseAddress), header: header)
            initialised = count
        }
        return .u8(Image8(width: header.width, height: header.height, channels: header.channels, samples: samples))
    }

    static func encode(_ pixels: Pixels, compression: Int) throws -> [UInt8] {
        switch pixels {
        case .u8(let b): try write(b.samples, width: b.width, height: b.height, channels: b.channels, depth: 8, compression: compression)
        case .u16(let b): try write(b.samples, width: b.width, height: b.height, channels: b.channels, depth: 16, compression: compression)
        }
    }

    private static func read(_ bytes: [UInt8], into pixels: UnsafeMutableRawPointer?, header: SourceHeader) throws {
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer {
            rpng_decode($0.baseAddress, $0.count, pixels, UInt32(header.width), UInt32(header.height),
                        Int32(header.channels), Int32(header.bitDepth), &message, message.count)
        }
        let text = string(message)
        switch Int(status) {
        case Int(RPNG_OK): return
        case Int(RPNG_TRUNCATED): throw RetouchError(.truncatedImage, "the PNG file is truncated: \(text)")
        case Int(RPNG_NO_MEMORY): throw RetouchError(.imageTooLarge, "not enough memory to decode this PNG")
        default: throw RetouchError(.corruptImage, "the PNG data is damaged: \(text)")
        }
    }

    private static func write<S: PixelSample>(_ samples: [S], width: Int, height: Int, channels: Int,
                                              depth: Int, compression: Int) throws -> [UInt8] {
        guard width > 0, height > 0, width <= PNGChunks.maxSide, height <= PNGChunks.maxSide else {
            throw RetouchError(.encodeFailed, "PNG cannot hold a \(width)x\(height) image")
        }
        var message = [CChar](repeating: 0, count: 256)
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = samples.withUnsafeBytes {
            rpng_encode($0.baseAddress, UInt32(width), UInt32(height), Int32(channels), Int32(depth),
                        Int32(compression), &output, &size, &message, message.count)
        }
        defer { rpng_free(output) }
        guard status == RPNG_OK, let output else {
            throw RetouchError(.encodeFailed, "PNG encoding failed: \(string(message))")
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
