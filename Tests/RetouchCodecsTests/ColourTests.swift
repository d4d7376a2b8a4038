import CLCMS2
import CTurboJPEG
import Glibc
import Testing
import RetouchCore
@testable import RetouchCodecs

@Suite struct ColourTests {
    @Test func formatWordsMatchLCMS2() throws {
        let srgb = cmsCreate_sRGBProfile()
        var white = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)
        let curve = cmsBuildGamma(nil, 2.2)
        let gray = cmsCreateGrayProfile(&white, curve)
        let cmyk = cmsCreateInkLimitingDeviceLink(cmsSigCmykData, 400)
        defer { cmsCloseProfile(srgb); cmsCloseProfile(gray); cmsCloseProfile(cmyk); cmsFreeToneCurve(curve) }
        for bytes in [1, 2] {
            #expect(LCMSFormat.word(space: .rgb, extraChannels: 0, bytesPerSample: bytes)
                == cmsFormatterForColorspaceOfProfile(srgb, UInt32(bytes), 0))
            #expect(LCMSFormat.word(space: .gray, extraChannels: 0, bytesPerSample: bytes)
                == cmsFormatterForColorspaceOfProfile(gray, UInt32(bytes), 0))
            #expect(LCMSFormat.word(space: .cmyk, extraChannels: 0, bytesPerSample: bytes)
                == cmsFormatterForColorspaceOfProfile(cmyk, UInt32(bytes), 0))
        }
    }

    @Test func invertedCMYKFormatFlipsInk() throws {
        // An ink-limiting link at 400% changes nothing, so only the flavor bit acts.
        let link = cmsCreateInkLimitingDeviceLink(cmsSigCmykData, 400)
        defer { cmsCloseProfile(link) }
        let transform = cmsCreateTransform(link, LCMSFormat.word(space: .cmyk, extraChannels: 0, bytesPerSample: 1, inverted: true),
                                           nil, LCMSFormat.word(space: .cmyk, extraChannels: 0, bytesPerSample: 1), 0, 0)
        defer { cmsDeleteTransform(transform) }
        let input: [UInt8] = [0, 64, 200, 255]
        var output = [UInt8](repeating: 0, count: 4)
        cmsDoTransform(transform, input, &output, 1)
        #expect(maxDifference(output, input.map { 255 - $0 }) <= 1)
    }

    @Test func embeddedRGBProfileInPNGIsConvertedLikeLCMS2Would() throws {
        let profile = Fixture.wideGamutProfile()
        let source = Fixture.noise(24, 16, channels: 3)
        let png = Fixture.insertingChunk(Fixture.iCCP(profile), into: try ImageEncoder.encode(Image(source), as: .png))
        let image = try ImageDecoder.decode(png)
        let expected = Fixture.referenceToSRGB(source.samples, profile: profile, pixels: source.pixelCount)
        #expect(expected != source.samples)
        #expect(maxDifference(image.pixels.eightBit.samples, expected) <= 1)
        #expect(image.metadata.iccDescription == Fixture.describe(profile))
        #expect(image.metadata.iccProfile == nil)
        #expect(try ImageDecoder.decode(png, options: DecodeOptions(keepMetadata: true)).metadata.iccProfile == profile)
    }

    @Test func sixteenBitAndAlphaGoThroughTheProfile() throws {
        let profile = Fixture.wideGamutProfile()
        let source = Fixture.noise16(12, 10, channels: 4)
        let png = Fixture.insertingChunk(Fixture.iCCP(profile), into: try ImageEncoder.encode(Image(.u16(source)), as: .png))
        guard case .u16(let decoded) = try ImageDecoder.decode(png).pixels else { Issue.record("expected 16-bit"); return }
        let (colour, alpha) = source.splitAlpha()
        let expected = Fixture.referenceToSRGB(colour.samples, profile: profile, pixels: source.pixelCount)
        let (gotColour, gotAlpha) = decoded.splitAlpha()
        #expect(maxDifference(gotColour.samples, expected) <= 2)
        #expect(gotAlpha == alpha)
    }

    @Test func embeddedProfileInJPEGIsReassembledAndApplied() throws {
        let profile = Fixture.wideGamutProfile()
        let plain = try ImageEncoder.encode(Image(Fixture.gradient()), as: .jpeg)
        let tagged = Fixture.withICC(plain, profile: profile, parts: 3)
        let unconverted = try ImageDecoder.decode(plain).pixels.eightBit
        let image = try ImageDecoder.decode(tagged)
        let expected = Fixture.referenceToSRGB(unconverted.samples, profile: profile, pixels: unconverted.pixelCount)
        #expect(maxDifference(image.pixels.eightBit.samples, expected) <= 1)
        #expect(try ImageDecoder.probe(tagged).iccProfile == Fixture.describe(profile))
    }

    @Test func missingICCPartMeansNoConversion() throws {
        let profile = Fixture.wideGamutProfile()
        let plain = try ImageEncoder.encode(Image(Fixture.gradient()), as: .jpeg)
        // Three parts declared, only the first embedded.
        let partial = Fixture.insertingSegment(0xE2, Array("ICC_PROFILE".utf8) + [0, 1, 3] + Array(profile.prefix(100)), into: plain)
        let image = try ImageDecoder.decode(partial)
        #expect(image.pixels == (try ImageDecoder.decode(plain)).pixels)
        #expect(image.metadata.iccDescription?.contains("ignored") == true)
    }

    @Test func brokenProfileIsIgnoredNotFatal() throws {
        let source = Fixture.noise(8, 8, channels: 3)
        let garbage = Fixture.noise(20, 20, channels: 1).samples
        let png = Fixture.insertingChunk(Fixture.iCCP(garbage), into: try ImageEncoder.encode(Image(source), as: .png))
        let image = try ImageDecoder.decode(png)
        #expect(image.pixels == .u8(source))
        #expect(image.metadata.iccDescription == "unreadable ICC profile, ignored")
    }

    @Test func sRGBProfileLeavesPixelsAlone() throws {
        let srgb = cmsCreate_sRGBProfile()
        defer { cmsCloseProfile(srgb) }
        let source = Fixture.noise(16, 16, channels: 3)
        let png = Fixture.insertingChunk(Fixture.iCCP(Fixture.save(srgb)), into: try ImageEncoder.encode(Image(source), as: .png))
        #expect(try ImageDecoder.decode(png).pixels == .u8(source))
    }

    @Test func grayWithGrayProfileStaysGray() throws {
        let profile = Fixture.linearGrayProfile()
        let source = Fixture.gradient(32, 8, channels: 1)
        let png = Fixture.insertingChunk(Fixture.iCCP(profile), into: try ImageEncoder.encode(Image(source), as: .png))
        let decoded = try ImageDecoder.decode(png).pixels.eightBit
        #expect(decoded.channels == 1)
        let expected = Fixture.referenceToSRGB(source.samples, profile: profile, pixels: source.pixelCount, gray: true)
        #expect(expected != source.samples)
        #expect(maxDifference(decoded.samples, expected) <= 1)
    }

    @Test func pngGammaOfOneIsTreatedAsLinearLight() throws {
        let values: [UInt8] = [0, 10, 64, 128, 200, 255]
        let gAMA = Fixture.pngChunk("gAMA", Fixture.be32(100_000))
        let png = Fixture.png(width: values.count, height: 1, depth: 8, colourType: 0, rows: [values], extra: [gAMA])
        let decoded = try ImageDecoder.decode(png).pixels.eightBit
        let srgbEncoded = values.map { v -> Int in
            let linear = Double(v) / 255
            let encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1 / 2.4) - 0.055
            return Int((encoded * 255).rounded())
        }
        #expect(maxDifference(decoded.samples.map(Int.init), srgbEncoded) <= 1)
    }

    @Test func cmykJPEGWithProfileGoesThroughLCMS2() throws {
        let profile = Fixture.cmykProfile()
        let inks = Fixture.noise(32, 16, channels: 4).samples
        let jpeg = Fixture.withICC(try cmykJPEG(inks.map { 255 - $0 }, width: 32, height: 16), profile: profile, parts: 2)
        // What the JPEG really holds after compression, put back to plain ink amounts.
        let handle = tjInitDecompress()
        defer { tjDestroy(handle) }
        var stored = [UInt8](repeating: 0, count: inks.count)
        #expect(tjDecompress2(handle, jpeg, UInt(jpeg.count), &stored, 32, 0, 16, Int32(TJPF_CMYK.rawValue), 0) == 0)
        let expected = Fixture.referenceToSRGB(stored.map { 255 - $0 }, profile: profile, pixels: 32 * 16, outChannels: 3)

        let image = try ImageDecoder.decode(jpeg)
        #expect(image.pixels.channels == 3)
        #expect(maxDifference(image.pixels.eightBit.samples, expected) <= 1)
        #expect(image.pixels.eightBit.samples != NaiveColour.cmykToRGB(Image8(width: 32, height: 16, channels: 4, samples: stored), inverted: true).samples)
    }

    private func cmykJPEG(_ samples: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let handle = tjInitCompress()
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(handle, samples, Int32(width), 0, Int32(height), Int32(TJPF_CMYK.rawValue),
                                 &output, &size, Int32(TJSAMP_444.rawValue), 100, 0)
        defer { tjFree(output) }
        guard status == 0, let output else { throw RetouchError(.encodeFailed, "test CMYK encode failed") }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    @Test func cmykJPEGDecodesToRGB() throws {
        // Inks per block (0 = none); Adobe files store 255 - ink, and TurboJPEG writes the
        // Adobe marker, so the samples handed to it are inverted.
        let inks: [[Int]] = [[0, 0, 0, 0], [255, 0, 0, 0], [0, 255, 0, 0], [0, 0, 255, 0], [0, 0, 0, 128], [100, 50, 0, 60]]
        let width = 16 * inks.count, height = 16
        var samples = [UInt8]()
        for _ in 0..<height { for x in 0..<width { samples += inks[x / 16].map { UInt8(255 - $0) } } }
        let jpeg = try cmykJPEG(samples, width: width, height: height)
        #expect(jpeg.matches(Array("Adobe".utf8), at: jpeg.firstIndex(of: 0xEE).map { $0 + 3 } ?? 0))

        let info = try ImageDecoder.probe(jpeg)
        #expect(info.colorModel == "CMYK" && info.channels == 3)
        let image = try ImageDecoder.decode(jpeg)
        let rgb = image.pixels.eightBit
        #expect(rgb.channels == 3 && image.metadata.sourceColorModel == "CMYK")
        for (block, ink) in inks.enumerated() {
            let expected = (0..<3).map { UInt8((255 - ink[$0]) * (255 - ink[3]) / 255) }
            let i = rgb.index(block * 16 + 8, 8)
            #expect(maxDifference(Array(rgb.samples[i..<i + 3]), expected) <= 4, "block \(block)")
        }
    }
}
