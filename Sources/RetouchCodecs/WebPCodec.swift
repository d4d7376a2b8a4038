import CWebP
import RetouchCore

/// WebP pixels through libwebp's advanced API, decoding straight into Retouch's buffer.
enum WebPCodec {
    static func decode(_ bytes: [UInt8], header: SourceHeader) throws -> Image8 {
        var config = WebPDecoderConfig()
        guard WebPInitDecoderConfig(&config) != 0 else {
            throw RetouchError(.corruptImage, "libwebp rejected its own configuration (version mismatch)")
        }
        let channels = header.channels, stride = header.width * channels
        let count = stride * header.height
        var failure: RetouchError?
        let samples = [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB
            config.output.is_external_memory = 1
            config.output.u.RGBA.rgba = out.baseAddress
            config.output.u.RGBA.stride = Int32(stride)
            config.output.u.RGBA.size = count
            let status = bytes.withUnsafeBufferPointer { WebPDecode($0.baseAddress, $0.count, &config) }
            WebPFreeDecBuffer(&config.output)
            failure = WebPContainer.statusError(status, while: "decoding the picture")
            initialised = count
        }
        if let failure { throw failure }
        return Image8(width: header.width, height: header.height, channels: channels, samples: samples)
    }

    /// Encodes RGB or RGBA. Lossless keeps every sample, colour under fully transparent
    /// pixels included (libwebp's `exact`), so an RGBA round trip is bit-identical.
    static func encode(_ buffer: Image8, quality: Int, lossless: Bool) throws -> [UInt8] {
        guard buffer.width <= WebPContainer.maxSide, buffer.height <= WebPContainer.maxSide else {
            throw RetouchError(.encodeFailed, "WebP cannot hold \(buffer.size); its limit is \(WebPContainer.maxSide) pixels a side")
        }
        guard buffer.channels == 3 || buffer.channels == 4 else {
            throw RetouchError(.encodeFailed, "WebP encoding needs RGB or RGBA pixels")
        }
        var config = WebPConfig()
        guard WebPConfigInit(&config) != 0 else { throw RetouchError(.encodeFailed, "libwebp version mismatch") }
        config.quality = Float(quality)
        config.lossless = lossless ? 1 : 0
        config.exact = lossless ? 1 : 0
        guard WebPValidateConfig(&config) != 0 else { throw RetouchError(.encodeFailed, "invalid WebP settings") }

        var picture = WebPPicture()
        guard WebPPictureInit(&picture) != 0 else { throw RetouchError(.encodeFailed, "libwebp version mismatch") }
        defer { WebPPictureFree(&picture) }
        picture.use_argb = lossless ? 1 : 0
        picture.width = Int32(buffer.width)
        picture.height = Int32(buffer.height)
        let stride = Int32(buffer.width * buffer.channels)
        let imported = buffer.samples.withUnsafeBufferPointer {
            buffer.channels == 4 ? WebPPictureImportRGBA(&picture, $0.baseAddress, stride)
                                 : WebPPictureImportRGB(&picture, $0.baseAddress, stride)
        }
        guard imported != 0 else { throw RetouchError(.encodeFailed, "not enough memory to encode this WebP") }

        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let ok = withUnsafeMutablePointer(to: &writer) { writerPointer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(writerPointer)
            return WebPEncode(&config, &picture)
        }
        guard ok != 0, let mem = writer.mem else {
            throw RetouchError(.encodeFailed, "WebP encoding failed (libwebp error \(picture.error_code.rawValue))")
        }
        return Array(UnsafeBufferPointer(start: mem, count: writer.size))
    }
}
