import Foundation
import Testing
import RetouchCore
@testable import RetouchCodecs

/// Files built to hurt: bombs, cut-off and mislabelled files, odd profiles, extreme shapes.
/// Each must give a RetouchError naming the problem, or decode correctly; never a crash or a hang.
@Suite struct HostileInputTests {
    // MARK: decompression bombs

    /// A few hundred bytes that declare a canvas far past the limit, with a body that could not
    /// even be decoded. `imageTooLarge` rather than a truncation or corruption error shows the
    /// limit was applied on the header alone, before the codec (the only place pixel memory is
    /// allocated) was reached. `declared` is width x height.
    static func bombs() -> [(format: ImageFormat, bytes: [UInt8], declared: (Int, Int))] {
        let jpegSide = 60_000
        let sof: [UInt8] = [0xFF, 0xC0, 0, 17, 8] + be16(jpegSide) + be16(jpegSide) + [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        let jpeg: [UInt8] = [0xFF, 0xD8] + sof + [0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0] + [0x00, 0xFF, 0xD9]
        // 1,000,000 x 1,000,000 is libpng's own ceiling; 40,000 x 40,000 RGBA would be 6.4 GB.
        let ihdr = Fixture.be32(40_000) + Fixture.be32(40_000) + [8, 6, 0, 0, 0]
        let png = PNGChunks.signature + Fixture.pngChunk("IHDR", ihdr) + Fixture.pngChunk("IDAT", Fixture.deflate([0]))
            + Fixture.pngChunk("IEND", [])
        let side = 16_383
        let bits = (side - 1) | (side - 1) << 14
        let vp8l: [UInt8] = [0x2F] + (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) } + [UInt8](repeating: 0, count: 11)
        let body = Array("WEBP".utf8) + Array("VP8L".utf8) + [UInt8(vp8l.count), 0, 0, 0] + vp8l
        let webp = Array("RIFF".utf8) + [UInt8(body.count), 0, 0, 0] + body
        return [(.jpeg, jpeg, (jpegSide, jpegSide)), (.png, png, (40_000, 40_000)), (.webp, webp, (side, side))]
    }

    @Test func bombsAreRefusedOnTheirHeaderAlone() throws {
        for bomb in Self.bombs() {
            #expect(bomb.bytes.count < 200, "\(bomb.format) bomb is \(bomb.bytes.count) bytes")
            let refusal = decodeError(bomb.bytes)
            #expect(refusal?.code == .imageTooLarge, "\(bomb.format): \(String(describing: refusal))")
            #expect(refusal?.message.contains("\(bomb.declared.0)x\(bomb.declared.1)") == true)
            // probe reads the same header and reports the size without refusing.
            let info = try ImageDecoder.probe(bomb.bytes)
            #expect(info.width == bomb.declared.0 && info.height == bomb.declared.1)
            // Refusing costs a header walk; printed for RELIABILITY.md, not asserted.
            let clock = ContinuousClock()
            let rounds = 1000
            let elapsed = clock.measure { for _ in 0..<rounds { _ = decodeError(bomb.bytes) } }
            let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
            print("bomb \(bomb.format) \(bomb.declared.0)x\(bomb.declared.1) in \(bomb.bytes.count) bytes: refused in \(micros / Double(rounds)) µs")
        }
    }

    @Test func aRealPNGBombIsRefusedBeforeInflating() throws {
        // Valid zlib data that really would inflate to 4000 x 4000 gray rows of zeros (16 MB)
        // from about 16 KB; with a 10-megapixel limit it is refused on the header.
        let width = 4_000, height = 4_000
        let rows = [UInt8](repeating: 0, count: (width + 1) * height)
        let png = PNGChunks.signature + Fixture.pngChunk("IHDR", Fixture.be32(width) + Fixture.be32(height) + [8, 0, 0, 0, 0])
            + Fixture.pngChunk("IDAT", Fixture.deflate(rows)) + Fixture.pngChunk("IEND", [])
        #expect(png.count < 64 << 10)
        #expect(decodeError(png, DecodeOptions(maxPixels: 10_000_000))?.code == .imageTooLarge)
        #expect(try ImageDecoder.decode(png, options: DecodeOptions(maxPixels: width * height)).size.pixelCount == width * height)
    }

    // MARK: metadata bombs

    @Test func hugeITXtChunksAreSteppedOver() throws {
        let source = Fixture.noise(8, 8, channels: 3)
        let plain = try ImageEncoder.encode(Image(source), as: .png)
        // Compressed iTXt: keyword, NUL, flag 1, method 0, empty language and translated keyword.
        let header = Array("XML:com.adobe.xmp".utf8) + [0, 1, 0, 0, 0]
        let compressed = Fixture.pngChunk("iTXt", header + Fixture.deflate([UInt8](repeating: 0x20, count: 64 << 20)))
        // And an uncompressed one of 8 MiB stored as is.
        let stored = Fixture.pngChunk("iTXt", Array("Comment".utf8) + [0, 0, 0, 0, 0] + [UInt8](repeating: 0x41, count: 8 << 20))
        for chunk in [compressed, stored] {
            let png = Fixture.insertingChunk(chunk, into: plain)
            #expect(try ImageDecoder.decode(png).pixels == .u8(source))
            #expect(try ImageDecoder.probe(png).width == 8)
        }
    }

    @Test func anICCProfileThatInflatesPastItsCapIsIgnored() throws {
        let source = Fixture.noise(8, 8, channels: 3)
        let bomb = Fixture.pngChunk("iCCP", Array("icc".utf8) + [0, 0] + Fixture.deflate([UInt8](repeating: 0, count: 32 << 20)))
        let image = try ImageDecoder.decode(Fixture.insertingChunk(bomb, into: try ImageEncoder.encode(Image(source), as: .png)))
        #expect(image.pixels == .u8(source))
        #expect(image.metadata.iccDescription?.contains("ignored") == true)
    }

    // MARK: damaged and mislabelled files

    @Test(arguments: ImageFormat.allCases)
    func everyTenthOfAFileIsACleanError(format: ImageFormat) throws {
        let whole = try ImageEncoder.encode(Image(Fixture.noise(64, 48, channels: 3, seed: 7)), as: format)
        for tenth in 0..<10 {
            let cut = Array(whole.prefix(whole.count * tenth / 10))
            let refusal = decodeError(cut)
            let expected: Set<RetouchError.Code> = tenth == 0 ? [.emptyFile] : [.truncatedImage, .corruptImage]
            #expect(refusal.map { expected.contains($0.code) } == true,
                    "\(format) cut to \(tenth * 10)% (\(cut.count) of \(whole.count) bytes): \(String(describing: refusal))")
            #expect(refusal?.message.isEmpty == false)
        }
        #expect(decodeError(whole) == nil)
    }

    @Test(arguments: ImageFormat.allCases)
    func wrongMagicBytesAreNotGuessedAround(format: ImageFormat) throws {
        var bytes = try ImageEncoder.encode(Image(Fixture.gradient(16, 16)), as: format)
        bytes[1] ^= 0xFF  // the format is recognised by its first bytes only
        let refusal = decodeError(bytes)
        #expect(refusal?.code == .unsupportedFormat)
        #expect(refusal?.message.contains("JPEG, PNG and WebP") == true)
    }

    @Test func aPNGRenamedToJPEGIsReadAsWhatItIs() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let source = Fixture.gradient(12, 9)
        scratch.write("photo.jpg", try ImageEncoder.encode(Image(source), as: .png))
        #expect(try ImageFile.read(scratch.path + "/photo.jpg").pixels == .u8(source))
    }

    @Test func anEmptyFileIsNamedWithItsPath() throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        scratch.write("empty.png", [])
        #expect {
            try ImageFile.read(scratch.path + "/empty.png")
        } throws: { error in
            let error = error as? RetouchError
            return error?.code == .emptyFile && error?.message.hasPrefix(scratch.path + "/empty.png:") == true
        }
    }

    // MARK: colour profiles that do not fit

    @Test func aGrayProfileOnAnRGBImageIsIgnored() throws {
        let source = Fixture.noise(8, 8, channels: 3)
        let png = Fixture.insertingChunk(Fixture.iCCP(Fixture.linearGrayProfile()), into: try ImageEncoder.encode(Image(source), as: .png))
        let image = try ImageDecoder.decode(png)
        #expect(image.pixels == .u8(source))
        #expect(image.metadata.iccDescription?.contains("does not fit") == true)
    }

    @Test func anRGBProfileOnAGrayImageIsIgnored() throws {
        let source = Fixture.gradient(16, 4, channels: 1)
        let png = Fixture.insertingChunk(Fixture.iCCP(Fixture.wideGamutProfile()), into: try ImageEncoder.encode(Image(source), as: .png))
        #expect(try ImageDecoder.decode(png).pixels == .u8(source))
    }

    @Test func aCMYKProfileOnAnRGBJPEGIsIgnored() throws {
        let plain = try ImageEncoder.encode(Image(Fixture.gradient()), as: .jpeg)
        let tagged = Fixture.withICC(plain, profile: Fixture.cmykProfile(), parts: 2)
        let image = try ImageDecoder.decode(tagged)
        #expect(image.pixels == (try ImageDecoder.decode(plain)).pixels)
        #expect(image.metadata.iccDescription?.contains("does not fit") == true)
    }

    @Test func garbageICCInJPEGAndWebPIsIgnored() throws {
        let garbage = Array(repeating: Array("not a profile ".utf8), count: 40).flatMap { $0 }
        let plain = try ImageEncoder.encode(Image(Fixture.gradient()), as: .jpeg)
        let jpeg = Fixture.withICC(plain, profile: garbage, parts: 1)
        #expect(try ImageDecoder.decode(jpeg).pixels == (try ImageDecoder.decode(plain)).pixels)
        #expect(try ImageDecoder.probe(jpeg).iccProfile == "unreadable ICC profile, ignored")
        // A truncated real profile: the header promises more tag data than there is.
        let cut = Array(Fixture.wideGamutProfile().prefix(200))
        #expect(try ImageDecoder.decode(Fixture.withICC(plain, profile: cut, parts: 1)).pixels
            == (try ImageDecoder.decode(plain)).pixels)
    }

    // MARK: extreme shapes

    @Test(arguments: ImageFormat.allCases)
    func oneByOneRoundTrips(format: ImageFormat) throws {
        let pixel = Image8(width: 1, height: 1, channels: 3) { _, _, c in [200, 30, 90][c] }
        let back = try ImageDecoder.decode(try ImageEncoder.encode(Image(pixel), as: format, options: EncodeOptions(lossless: true)))
        #expect(back.size == Size(width: 1, height: 1))
        if format != .jpeg { #expect(back.pixels == .u8(pixel)) }
    }

    @Test func aThirtyThousandPixelLineDecodesInJPEGAndPNG() throws {
        let line = Image8(width: 30_000, height: 1, channels: 3) { x, _, c in UInt8((x / 7 + c * 40) % 256) }
        for format in [ImageFormat.jpeg, .png] {
            let back = try ImageDecoder.decode(try ImageEncoder.encode(Image(line), as: format))
            #expect(back.size == line.size)
        }
        let tall = Image8(width: 1, height: 30_000, channels: 1) { _, y, _ in UInt8(y % 256) }
        #expect(try ImageDecoder.decode(try ImageEncoder.encode(Image(tall), as: .png)).pixels == .u8(tall))
    }

    @Test func webPRefusesLinesPastItsLimitByName() {
        let line = Image8(width: 30_000, height: 1, channels: 3)
        #expect {
            try ImageEncoder.encode(Image(line), as: .webp)
        } throws: { error in
            (error as? RetouchError)?.message.contains("16383") == true
        }
    }

    private static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
