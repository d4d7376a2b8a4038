import CLCMS2
import RetouchCore

/// Brings decoded samples to sRGB with lcms2 (perceptual intent, alpha copied through).
enum ColourConversion {
    /// Converts `pixels` (gray, RGB or CMYK, as `space` says, alpha last) from `source` to sRGB.
    /// Gray stays gray (sRGB tone curve). Nil when lcms2 cannot build the transform.
    static func toSRGB(_ pixels: Pixels, space: ColourSpace, source: ICCProfile,
                       cmykInverted: Bool = false) -> Pixels? {
        switch pixels {
        case .u8(let b):
            transform(b, space: space, source: source, cmykInverted: cmykInverted).map(Pixels.u8)
        case .u16(let b):
            transform(b, space: space, source: source, cmykInverted: cmykInverted).map(Pixels.u16)
        }
    }

    /// True when converting from `profile` would change no 8-bit value by more than one step:
    /// the profile is sRGB in all but name (or a gray profile with the sRGB curve), so the
    /// pixels can be left alone.
    static func isEffectivelySRGB(_ profile: ICCProfile, space: ColourSpace) -> Bool {
        guard space != .cmyk else { return false }
        var probe = [UInt8]()
        if space == .gray {
            probe = (0...255).map(UInt8.init)
        } else {
            let steps: [UInt8] = [0, 1, 8, 32, 64, 100, 128, 160, 200, 240, 254, 255]
            for r in steps { for g in steps { for b in steps { probe += [r, g, b] } } }
        }
        let buffer = Image8(width: probe.count / space.colourChannels, height: 1,
                            channels: space.colourChannels, samples: probe)
        guard let out = transform(buffer, space: space, source: profile, cmykInverted: false) else { return false }
        return zip(out.samples, probe).allSatisfy { abs(Int($0) - Int($1)) <= 1 }
    }

    private static func transform<S: PixelSample>(_ buffer: PixelBuffer<S>, space: ColourSpace,
                                                  source: ICCProfile, cmykInverted: Bool) -> PixelBuffer<S>? {
        let outSpace: ColourSpace = space == .gray ? .gray : .rgb
        guard let target = outSpace == .gray ? ICCProfile.sRGBGray() : ICCProfile.sRGB() else { return nil }
        let extra = buffer.channels - space.colourChannels
        guard extra == 0 || extra == 1 else { return nil }
        let bytes = MemoryLayout<S>.size
        let inFormat = LCMSFormat.word(space: space, extraChannels: extra, bytesPerSample: bytes, inverted: cmykInverted)
        let outFormat = LCMSFormat.word(space: outSpace, extraChannels: extra, bytesPerSample: bytes)
        let flags = UInt32(cmsFLAGS_NOCACHE) | (extra > 0 ? UInt32(cmsFLAGS_COPY_ALPHA) : 0)
        guard let xform = cmsCreateTransform(source.handle, inFormat, target.handle, outFormat,
                                             UInt32(INTENT_PERCEPTUAL), flags) else { return nil }
        defer { cmsDeleteTransform(xform) }

        let outChannels = outSpace.colourChannels + extra
        let pixelCount = buffer.pixelCount
        // Batches keep the pixel count within lcms2's 32-bit argument.
        let batch = 1 << 20
        let out = [S](unsafeUninitializedCapacity: pixelCount * outChannels) { dst, initialised in
            buffer.samples.withUnsafeBufferPointer { src in
                guard let input = src.baseAddress, let output = dst.baseAddress else { return }
                var start = 0
                while start < pixelCount {
                    let n = min(batch, pixelCount - start)
                    cmsDoTransform(xform, input + start * buffer.channels, output + start * outChannels, UInt32(n))
                    start += n
                }
            }
            initialised = pixelCount * outChannels
        }
        return PixelBuffer(width: buffer.width, height: buffer.height, channels: outChannels, samples: out)
    }
}

/// Conversions used when no colour management applies.
enum NaiveColour {
    /// CMYK to RGB by subtracting ink from white, for CMYK files without a profile; good enough
    /// to see the picture, not a press-accurate rendering (that needs the file's profile).
    static func cmykToRGB(_ buffer: Image8, inverted: Bool) -> Image8 {
        var out = [UInt8]()
        out.reserveCapacity(buffer.pixelCount * 3)
        buffer.samples.withUnsafeBufferPointer { src in
            for p in 0..<buffer.pixelCount {
                let s = p * 4
                // Adobe's inverted CMYK already stores 255 - ink, the amount of light left.
                let light = { (i: Int) -> Int in inverted ? Int(src[s + i]) : 255 - Int(src[s + i]) }
                let k = light(3)
                for c in 0..<3 { out.append(UInt8((light(c) * k + 127) / 255)) }
            }
        }
        return Image8(width: buffer.width, height: buffer.height, channels: 3, samples: out)
    }

    /// Composites over white and drops alpha, for formats without transparency (JPEG): a
    /// transparent catalog background is meant to read as paper white, not black.
    static func compositedOnWhite(_ buffer: Image8) -> Image8 {
        guard buffer.hasAlpha else { return buffer }
        let colours = buffer.colorChannels
        var out = [UInt8]()
        out.reserveCapacity(buffer.pixelCount * colours)
        buffer.samples.withUnsafeBufferPointer { src in
            for p in 0..<buffer.pixelCount {
                let s = p * buffer.channels
                let a = Int(src[s + colours])
                for c in 0..<colours { out.append(UInt8((Int(src[s + c]) * a + 255 * (255 - a) + 127) / 255)) }
            }
        }
        return Image8(width: buffer.width, height: buffer.height, channels: colours, samples: out)
    }
}
