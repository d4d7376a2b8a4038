import Testing
import RetouchCore
@testable import RetouchCodecs

@Suite struct RoundTripTests {
    private func roundTrip(_ image: Image, _ format: ImageFormat, _ options: EncodeOptions = .init()) throws -> Image {
        try ImageDecoder.decode(ImageEncoder.encode(image, as: format, options: options))
    }

    @Test func jpegKeepsASmoothImageClose() throws {
        let source = Fixture.gradient()
        let back = try roundTrip(Image(source), .jpeg)
        guard case .u8(let decoded) = back.pixels else { Issue.record("expected 8-bit"); return }
        #expect(decoded.size == source.size && decoded.channels == 3)
        #expect(psnr(decoded, source) > 38)
    }

    @Test func jpegQualityTradesSizeForFidelity() throws {
        let source = Image(Fixture.gradient(128, 96))
        let low = try ImageEncoder.encode(source, as: .jpeg, options: EncodeOptions(quality: 40))
        let high = try ImageEncoder.encode(source, as: .jpeg, options: EncodeOptions(quality: 95))
        #expect(low.count < high.count)
        let lowBack = try ImageDecoder.decode(low).pixels.eightBit, highBack = try ImageDecoder.decode(high).pixels.eightBit
        #expect(psnr(highBack, source.pixels.eightBit) > psnr(lowBack, source.pixels.eightBit))
    }

    @Test(arguments: [1, 2, 3, 4])
    func pngIsExactAt8Bits(channels: Int) throws {
        let source = Fixture.noise(37, 23, channels: channels)
        #expect(try roundTrip(Image(source), .png).pixels == .u8(source))
    }

    @Test(arguments: [1, 2, 3, 4])
    func pngIsExactAt16Bits(channels: Int) throws {
        let source = Fixture.noise16(29, 17, channels: channels)
        #expect(try roundTrip(Image(.u16(source)), .png).pixels == .u16(source))
    }

    @Test(arguments: [0, 9])
    func pngCompressionLevelChangesOnlyTheSize(level: Int) throws {
        let source = Fixture.gradient(96, 64)
        let bytes = try ImageEncoder.encode(Image(source), as: .png, options: EncodeOptions(pngCompression: level))
        #expect(try ImageDecoder.decode(bytes).pixels == .u8(source))
        let stored = source.samples.count
        #expect(level == 0 ? bytes.count > stored : bytes.count < stored / 2)
    }

    @Test func webpLosslessIsExactIncludingColourUnderTransparency() throws {
        var source = Fixture.noise(41, 19, channels: 4)
        for p in stride(from: 3, to: source.samples.count, by: 12) { source.samples[p] = 0 }
        let back = try roundTrip(Image(source), .webp, EncodeOptions(lossless: true))
        #expect(back.pixels == .u8(source))
    }

    @Test func webpLosslessRGBIsExact() throws {
        let source = Fixture.noise(33, 21, channels: 3)
        #expect(try roundTrip(Image(source), .webp, EncodeOptions(lossless: true)).pixels == .u8(source))
    }

    @Test func webpLossyIsClose() throws {
        let source = Fixture.gradient()
        let back = try roundTrip(Image(source), .webp).pixels.eightBit
        #expect(back.channels == 3)
        #expect(psnr(back, source) > 32)
    }

    @Test func webpLossyKeepsAlpha() throws {
        let source = Fixture.gradient(channels: 4)
        let back = try roundTrip(Image(source), .webp).pixels.eightBit
        #expect(back.channels == 4)
        let alpha = { (b: Image8) in b.splitAlpha().alpha?.samples ?? [] }
        #expect(maxDifference(alpha(back), alpha(source)) <= 2)
    }

    @Test func grayJPEGStaysOneChannel() throws {
        let source = Fixture.gradient(channels: 1)
        let back = try roundTrip(Image(source), .jpeg)
        #expect(back.pixels.channels == 1)
        #expect(psnr(back.pixels.eightBit, source) > 38)
        #expect(back.metadata.sourceColorModel == "Gray")
    }

    @Test func grayBecomesRGBInWebP() throws {
        let source = Fixture.noise(16, 8, channels: 2)
        let back = try roundTrip(Image(source), .webp, EncodeOptions(lossless: true)).pixels.eightBit
        #expect(back.channels == 4)
        #expect(back.converted(toChannels: 2) == source)
    }

    @Test func alphaIsCompositedOnWhiteForJPEG() throws {
        // Left half transparent red, right half opaque blue.
        let source = Image8(width: 32, height: 16, channels: 4) { x, _, c in
            x < 16 ? [255, 0, 0, 0][c] : [0, 0, 255, 255][c]
        }
        let back = try roundTrip(Image(source), .jpeg, EncodeOptions(quality: 95)).pixels.eightBit
        #expect(back.channels == 3)
        #expect(maxDifference(Array(back.samples[0..<3]), [255, 255, 255]) <= 3)
        let right = back.index(24, 8)
        #expect(maxDifference(Array(back.samples[right..<right + 3]), [0, 0, 255]) <= 6)
    }

    @Test func grayAlphaIsCompositedOnWhiteForJPEG() throws {
        let source = Image8(width: 16, height: 16, channels: 2) { _, _, c in c == 0 ? 0 : 128 }
        let back = try roundTrip(Image(source), .jpeg, EncodeOptions(quality: 95)).pixels.eightBit
        #expect(back.channels == 1)
        #expect(abs(Int(back.samples[0]) - 127) <= 2)
    }

    @Test func sixteenBitIsRoundedForEightBitFormats() throws {
        let source = Image16(width: 16, height: 16, channels: 3) { x, y, _ in UInt16((x + y) * 2000) }
        let back = try roundTrip(Image(.u16(source)), .webp, EncodeOptions(lossless: true))
        #expect(back.pixels == .u8(Pixels.u16(source).eightBit))
    }

    @Test func exifIsWrittenBackOnlyWhenAskedWithOrientationReset() throws {
        let exif = Fixture.exif(orientation: 6, bigEndian: true)
        let image = Image(Fixture.gradient(channels: 4), metadata: ImageMetadata(exif: exif, orientation: 6))
        for format in ImageFormat.allCases {
            let stripped = try ImageEncoder.encode(image, as: format)
            #expect(try ImageDecoder.decode(stripped, options: DecodeOptions(keepMetadata: true)).metadata.exif == nil)
            let kept = try ImageEncoder.encode(image, as: format, options: EncodeOptions(lossless: true, keepMetadata: true))
            let back = try ImageDecoder.decode(kept, options: DecodeOptions(keepMetadata: true))
            #expect(back.metadata.exif == Fixture.exif(orientation: 1, bigEndian: true), "\(format)")
            #expect(back.metadata.orientation == 1)
            #expect(back.size == image.size)
            #expect(back.pixels.hasAlpha == format.supportsAlpha)
        }
    }

    @Test func encodeOptionsAreValidated() {
        let image = Image(Fixture.gradient(8, 8))
        #expect(throws: RetouchError.self) { try ImageEncoder.encode(image, as: .jpeg, options: EncodeOptions(quality: 0)) }
        #expect(throws: RetouchError.self) { try ImageEncoder.encode(image, as: .png, options: EncodeOptions(pngCompression: 10)) }
    }
}
