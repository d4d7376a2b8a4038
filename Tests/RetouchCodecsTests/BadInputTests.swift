import Testing
import RetouchCore
@testable import RetouchCodecs

/// The error code a decode throws, or nil when it succeeds.
func decodeError(_ bytes: [UInt8], _ options: DecodeOptions = .init()) -> RetouchError? {
    do {
        _ = try ImageDecoder.decode(bytes, options: options)
        return nil
    } catch let error as RetouchError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

@Suite struct BadInputTests {
    private static let sample = Image(Fixture.gradient(48, 40, channels: 4))

    private static func encoded(_ format: ImageFormat) throws -> [UInt8] {
        try ImageEncoder.encode(sample, as: format, options: EncodeOptions(lossless: true))
    }

    @Test func emptyInputIsItsOwnError() {
        #expect(decodeError([])?.code == .emptyFile)
        #expect(throws: RetouchError(.emptyFile, "the file is empty (0 bytes); it was probably not fully written or downloaded")) {
            try ImageDecoder.probe([])
        }
    }

    @Test(arguments: ImageFormat.allCases)
    func truncationIsReportedAtEveryLength(format: ImageFormat) throws {
        let whole = try Self.encoded(format)
        // From inside the signature to just short of the last chunk or marker.
        let lengths = [1, 4, 14, 20, 40, whole.count / 3, whole.count / 2, whole.count - 30, whole.count - 13]
        for length in lengths {
            let error = decodeError(Array(whole.prefix(length)))
            #expect(error?.code == .truncatedImage, "\(format) cut to \(length) of \(whole.count): \(String(describing: error))")
        }
    }

    @Test func jpegMissingOnlyItsEndMarkerIsTruncated() throws {
        let whole = try Self.encoded(.jpeg)
        #expect(decodeError(Array(whole.dropLast(2)))?.code == .truncatedImage)
    }

    @Test func pngMissingOnlyItsEndChunkStillDecodes() throws {
        // IEND carries nothing; the pixels are complete without it, as other readers agree.
        let whole = try Self.encoded(.png)
        #expect(try ImageDecoder.decode(Array(whole.dropLast(12))).pixels == Self.sample.pixels)
    }

    @Test func damagedPNGDataIsCorrupt() throws {
        var bytes = try Self.encoded(.png)
        for i in bytes.count / 2..<bytes.count / 2 + 16 { bytes[i] ^= 0x5A }
        #expect(decodeError(bytes)?.code == .corruptImage)
    }

    @Test func damagedJPEGEntropyDataIsNotPassedOff() throws {
        var bytes = try Self.encoded(.jpeg)
        // Markers in the middle of entropy-coded data derail the decoder.
        let middle = bytes.count / 2
        bytes.replaceSubrange(middle..<middle + 4, with: [0xFF, 0xD3, 0xFF, 0xD5])
        let code = decodeError(bytes)?.code
        #expect(code == .corruptImage || code == .truncatedImage)
    }

    @Test func damagedJPEGHeaderIsCorrupt() throws {
        var bytes = try Self.encoded(.jpeg)
        bytes[4] = 0; bytes[5] = 1  // the first segment's length is now impossible
        #expect(decodeError(bytes)?.code == .corruptImage)
    }

    @Test func damagedWebPIsCorrupt() throws {
        var bytes = try ImageEncoder.encode(Self.sample, as: .webp, options: EncodeOptions(lossless: true))
        for i in 20..<40 { bytes[i] = 0xFF }
        let code = decodeError(bytes)?.code
        #expect(code == .corruptImage)
    }

    @Test func randomBytesAreNotAnImage() {
        let random = Fixture.noise(64, 64, channels: 1, seed: 99).samples
        let error = decodeError(random)
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("JPEG, PNG and WebP") == true)
    }

    @Test func gifIsNamed() {
        let error = decodeError(Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0])
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("GIF") == true)
    }

    @Test func htmlSavedAsImageIsCalledText() {
        let error = decodeError(Array("<!DOCTYPE html><html><body>404 Not Found</body></html>".utf8))
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("text") == true)
    }

    @Test func hugeJPEGHeaderIsRejectedByTheLimit() {
        let sof: [UInt8] = [0xFF, 0xC0, 0, 17, 8, 0xC3, 0x50, 0xC3, 0x50, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        let sos: [UInt8] = [0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]
        let bytes: [UInt8] = [0xFF, 0xD8] + sof + sos + [0x00, 0xFF, 0xD9]
        let error = decodeError(bytes)
        #expect(error?.code == .imageTooLarge)
        #expect(error?.message.contains("50000x50000") == true)
        #expect(error?.message.contains("2500.0 megapixels") == true)
        #expect(error?.message.contains("--max-pixels") == true)
        #expect((try? ImageDecoder.probe(bytes))?.width == 50_000)
    }

    @Test func hugePNGHeaderIsRejectedByTheLimit() {
        let ihdr = Fixture.be32(50_000) + Fixture.be32(50_000) + [8, 2, 0, 0, 0]
        let bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Fixture.pngChunk("IHDR", ihdr)
            + Fixture.pngChunk("IDAT", Fixture.deflate([0, 0, 0, 0])) + Fixture.pngChunk("IEND", [])
        let error = decodeError(bytes)
        #expect(error?.code == .imageTooLarge)
        #expect(error?.message.contains("50000x50000") == true)
    }

    @Test func hugeWebPHeaderIsRejectedByTheLimit() {
        // A lossless bitstream header declaring 16000x16000 (its 14-bit fields hold size - 1).
        let w = 16_000 - 1, h = 16_000 - 1
        let bits = w | h << 14
        let vp8l: [UInt8] = [0x2F, UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24 & 0xFF)]
            + [UInt8](repeating: 0, count: 11)
        let chunk = Array("VP8L".utf8) + [UInt8(vp8l.count), 0, 0, 0] + vp8l
        let body = Array("WEBP".utf8) + chunk
        let bytes = Array("RIFF".utf8) + [UInt8(body.count), 0, 0, 0] + body
        let error = decodeError(bytes)
        #expect(error?.code == .imageTooLarge)
        #expect(error?.message.contains("16000x16000") == true)
    }

    @Test func limitIsConfigurable() throws {
        let bytes = try Self.encoded(.png)
        #expect(decodeError(bytes, DecodeOptions(maxPixels: 48 * 40 - 1))?.code == .imageTooLarge)
        #expect(decodeError(bytes, DecodeOptions(maxPixels: 48 * 40)) == nil)
    }

    @Test func zeroSizeIsCorrupt() {
        let ihdr = Fixture.be32(0) + Fixture.be32(10) + [8, 0, 0, 0, 0]
        let bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Fixture.pngChunk("IHDR", ihdr)
            + Fixture.pngChunk("IDAT", Fixture.deflate([0])) + Fixture.pngChunk("IEND", [])
        #expect(decodeError(bytes)?.code == .corruptImage)
    }

    @Test func hugeTextChunksAreSteppedOver() throws {
        let source = Fixture.noise(8, 8, channels: 3)
        // A zTXt that would inflate to 64 MiB; neither the parser nor libpng should touch it.
        let bomb = Fixture.pngChunk("zTXt", Array("Comment".utf8) + [0, 0] + Fixture.deflate([UInt8](repeating: 0x41, count: 64 << 20)))
        let png = Fixture.insertingChunk(bomb, into: try ImageEncoder.encode(Image(source), as: .png))
        #expect(try ImageDecoder.decode(png).pixels == .u8(source))
    }

    @Test(arguments: ImageFormat.allCases)
    func randomDamageOnlyEverGivesRetouchErrors(format: ImageFormat) throws {
        let whole = try ImageEncoder.encode(Image(Fixture.gradient(40, 24, channels: 4)), as: format)
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        for _ in 0..<300 {
            var bytes = whole
            for _ in 0..<(1 + next(8)) { bytes[next(bytes.count)] = UInt8(next(256)) }
            if next(4) == 0 { bytes.removeLast(next(bytes.count / 2)) }
            do {
                let image = try ImageDecoder.decode(bytes)
                #expect(image.size.pixelCount > 0)
            } catch let error as RetouchError {
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func animatedOrOddContainersAreRefusedClearly() {
        let bytes = Array("RIFF".utf8) + [4, 0, 0, 0] + Array("WEBP".utf8)
        let code = decodeError(bytes)?.code
        #expect(code == .truncatedImage || code == .corruptImage)
    }
}

@Suite struct PaletteAndLowDepthPNGTests {
    @Test func paletteWithTransparencyBecomesRGBA() throws {
        let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
        let png = Fixture.png(width: 3, height: 1, depth: 8, colourType: 3, rows: [[0, 1, 2]],
                              extra: [Fixture.pngChunk("PLTE", palette), Fixture.pngChunk("tRNS", [255, 128])])
        let info = try ImageDecoder.probe(png)
        #expect(info.colorModel == "Indexed" && info.channels == 4 && info.hasAlpha)
        #expect(try ImageDecoder.decode(png).pixels.eightBit.samples == [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255])
    }

    @Test func oneBitGrayIsExpanded() throws {
        let png = Fixture.png(width: 8, height: 1, depth: 1, colourType: 0, rows: [[0b1010_0000]])
        let decoded = try ImageDecoder.decode(png).pixels.eightBit
        #expect(decoded.channels == 1)
        #expect(decoded.samples == [255, 0, 255, 0, 0, 0, 0, 0])
    }

    @Test func invalidDepthForColourTypeIsCorrupt() {
        let png = Fixture.png(width: 1, height: 1, depth: 4, colourType: 2, rows: [[0]])
        #expect(throws: RetouchError.self) { try ImageDecoder.decode(png) }
    }
}
