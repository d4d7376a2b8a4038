import CLCMS2
import CZlib
import Glibc
import RetouchCore
@testable import RetouchCodecs

/// Images, containers and files the tests build for themselves.
enum Fixture {
    /// A smooth colour gradient, the kind of content JPEG handles well.
    static func gradient(_ width: Int = 64, _ height: Int = 48, channels: Int = 3) -> Image8 {
        Image8(width: width, height: height, channels: channels) { x, y, c in
            switch c {
            case 0: UInt8(x * 255 / max(1, width - 1))
            case 1: UInt8(y * 255 / max(1, height - 1))
            case 2: UInt8((x + y) * 255 / max(1, width + height - 2))
            default: UInt8((x * 7 + y * 13) % 256)
            }
        }
    }

    /// Pseudo-random samples from a fixed seed: every value, no smoothness to hide behind.
    static func noise(_ width: Int, _ height: Int, channels: Int, seed: UInt64 = 1) -> Image8 {
        var state = seed
        return Image8(width: width, height: height, channels: channels) { _, _, _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static func noise16(_ width: Int, _ height: Int, channels: Int, seed: UInt64 = 2) -> Image16 {
        var state = seed
        return Image16(width: width, height: height, channels: channels) { _, _, _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt16(truncatingIfNeeded: state >> 29)
        }
    }

    /// A stored image made of solid 16x16 blocks, each a distinct colour, so positions
    /// survive JPEG and can be traced through a rotation.
    static func blocks(columns: Int, rows: Int) -> Image8 {
        Image8(width: columns * 16, height: rows * 16, channels: 3) { x, y, c in
            let block = (y / 16) * columns + x / 16
            return blockColour(block)[c]
        }
    }

    static func blockColour(_ block: Int) -> [UInt8] {
        [UInt8((block * 97 + 30) % 256), UInt8((block * 53 + 200) % 256), UInt8((block * 151 + 90) % 256)]
    }

    /// A TIFF/EXIF block whose IFD0 holds only an Orientation entry.
    static func exif(orientation: Int, bigEndian: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? [0, 0] + u16(v) : u16(v) + [0, 0] }
        return Array((bigEndian ? "MM" : "II").utf8) + u16(42) + u32(8)
            + u16(1) + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]
            + u32(0)
    }

    /// Inserts a marker segment right after SOI, as a camera would place APP1.
    static func insertingSegment(_ marker: UInt8, _ payload: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        var out = jpeg
        out.insert(contentsOf: [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload, at: 2)
        return out
    }

    static func withExif(_ jpeg: [UInt8], orientation: Int, bigEndian: Bool) -> [UInt8] {
        insertingSegment(0xE1, Array("Exif".utf8) + [0, 0] + exif(orientation: orientation, bigEndian: bigEndian), into: jpeg)
    }

    /// Embeds an ICC profile as APP2 segments split into `parts` pieces (tests reassembly).
    static func withICC(_ jpeg: [UInt8], profile: [UInt8], parts: Int) -> [UInt8] {
        var out = jpeg
        let size = (profile.count + parts - 1) / parts
        for part in (0..<parts).reversed() {
            let piece = Array(profile[min(profile.count, part * size)..<min(profile.count, (part + 1) * size)])
            let payload = Array("ICC_PROFILE".utf8) + [0, UInt8(part + 1), UInt8(parts)] + piece
            out = insertingSegment(0xE2, payload, into: out)
        }
        return out
    }

    // MARK: PNG built by hand

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        let crc = typed.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        return be32(data.count) + typed + be32(Int(crc))
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
         UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var size = compressBound(UInt(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { compress(dst.baseAddress, &size, $0.baseAddress, UInt($0.count)) }
        }
        precondition(status == Z_OK, "zlib compress failed in a test fixture")
        return Array(out.prefix(Int(size)))
    }

    /// A PNG from already packed scanlines (filter byte 0 added here) and extra chunks placed
    /// before the image data.
    static func png(width: Int, height: Int, depth: Int, colourType: Int, rows: [[UInt8]],
                    extra: [[UInt8]] = []) -> [UInt8] {
        let ihdr = be32(width) + be32(height) + [UInt8(depth), UInt8(colourType), 0, 0, 0]
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr) + extra.flatMap { $0 }
            + pngChunk("IDAT", deflate(raw)) + pngChunk("IEND", [])
    }

    /// Inserts a chunk right after IHDR of an encoded PNG.
    static func insertingChunk(_ chunk: [UInt8], into png: [UInt8]) -> [UInt8] {
        var out = png
        out.insert(contentsOf: chunk, at: 33)
        return out
    }

    static func iCCP(_ profile: [UInt8]) -> [UInt8] {
        pngChunk("iCCP", Array("test".utf8) + [0, 0] + deflate(profile))
    }

    // MARK: lcms2 at test time

    /// An RGB profile with Adobe RGB (1998)-like primaries and a 2.2 power curve.
    static func wideGamutProfile() -> [UInt8] {
        var white = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)
        var primaries = cmsCIExyYTRIPLE(Red: cmsCIExyY(x: 0.64, y: 0.33, Y: 1),
                                        Green: cmsCIExyY(x: 0.21, y: 0.71, Y: 1),
                                        Blue: cmsCIExyY(x: 0.15, y: 0.06, Y: 1))
        let curve = cmsBuildGamma(nil, 2.2)
        defer { cmsFreeToneCurve(curve) }
        var curves: [OpaquePointer?] = [curve, curve, curve]
        let profile = cmsCreateRGBProfile(&white, &primaries, &curves)
        defer { cmsCloseProfile(profile) }
        return save(profile)
    }

    /// A gray profile with a linear (gamma 1.0) curve.
    static func linearGrayProfile() -> [UInt8] {
        var white = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)
        let curve = cmsBuildGamma(nil, 1.0)
        defer { cmsFreeToneCurve(curve) }
        let profile = cmsCreateGrayProfile(&white, curve)
        defer { cmsCloseProfile(profile) }
        return save(profile)
    }

    /// A CMYK printer profile built from scratch: a 9-point CLUT from ink to Lab with a made-up
    /// but smooth response, enough for lcms2 to treat it like any press profile.
    static func cmykProfile() -> [UInt8] {
        let profile = cmsCreateProfilePlaceholder(nil)
        defer { cmsCloseProfile(profile) }
        cmsSetProfileVersion(profile, 2.1)  // lcms2 2.14 will not serialise this CLUT-only pipeline as v4
        cmsSetDeviceClass(profile, cmsSigOutputClass)
        cmsSetColorSpace(profile, cmsSigCmykData)
        cmsSetPCS(profile, cmsSigLabData)
        let pipeline = cmsPipelineAlloc(nil, 4, 3)
        defer { cmsPipelineFree(pipeline) }
        let clut = cmsStageAllocCLut16bit(nil, 9, 4, 3, nil)
        cmsStageSampleCLut16bit(clut, { input, output, _ in
            guard let input, let output else { return 0 }
            let ink = (0..<4).map { Double(input[$0]) / 65535 }
            var lab = cmsCIELab(L: 100 * (1 - ink[3]) * (1 - 0.6 * (ink[0] + ink[1] + ink[2]) / 3),
                                a: 60 * (ink[1] - ink[0]), b: 60 * (ink[2] - (ink[0] + ink[1]) / 2))
            cmsFloat2LabEncoded(output, &lab)
            return 1
        }, nil, 0)
        cmsPipelineInsertStage(pipeline, cmsAT_END, clut)
        cmsWriteTag(profile, cmsSigAToB0Tag, UnsafeRawPointer(pipeline))
        return save(profile)
    }

    static func save(_ profile: cmsHPROFILE?) -> [UInt8] {
        var size: UInt32 = 0
        cmsSaveProfileToMem(profile, nil, &size)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        cmsSaveProfileToMem(profile, &bytes, &size)
        return bytes
    }

    static func describe(_ bytes: [UInt8]) -> String {
        let profile = cmsOpenProfileFromMem(bytes, UInt32(bytes.count))
        defer { cmsCloseProfile(profile) }
        var buffer = [CChar](repeating: 0, count: 256)
        cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", &buffer, 256)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What lcms2 itself makes of `samples` going from `profile` to sRGB (or sRGB-curve gray),
    /// using lcms2's own format words rather than the ones under test.
    static func referenceToSRGB<S>(_ samples: [S], profile bytes: [UInt8], pixels: Int, gray: Bool = false,
                                   outChannels: Int? = nil) -> [S] {
        // An empty answer fails the caller's comparison instead of crashing inside lcms2.
        guard let source = cmsOpenProfileFromMem(bytes, UInt32(bytes.count)) else { return [] }
        let target: cmsHPROFILE?
        if gray {
            var white = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)
            let params: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
            let curve = cmsBuildParametricToneCurve(nil, 4, params)
            target = cmsCreateGrayProfile(&white, curve)
            cmsFreeToneCurve(curve)
        } else {
            target = cmsCreate_sRGBProfile()
        }
        defer { cmsCloseProfile(source); cmsCloseProfile(target) }
        let size = UInt32(MemoryLayout<S>.size)
        let transform = cmsCreateTransform(source, cmsFormatterForColorspaceOfProfile(source, size, 0),
                                           target, cmsFormatterForColorspaceOfProfile(target, size, 0),
                                           UInt32(INTENT_PERCEPTUAL), 0)
        defer { cmsDeleteTransform(transform) }
        var out = outChannels.map { [S](repeating: samples[0], count: pixels * $0) } ?? samples
        samples.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { cmsDoTransform(transform, src.baseAddress, $0.baseAddress, UInt32(pixels)) }
        }
        return out
    }
}

/// Peak signal-to-noise ratio in dB between two same-shaped 8-bit buffers.
func psnr(_ a: Image8, _ b: Image8) -> Double {
    let squared = zip(a.samples, b.samples).reduce(0.0) { $0 + pow(Double(Int($1.0) - Int($1.1)), 2) }
    let mse = squared / Double(a.samples.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}

func maxDifference<S: BinaryInteger>(_ a: [S], _ b: [S]) -> Int {
    zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// A fresh directory under /tmp, removed with its contents by `remove`.
struct ScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/retouch-codecs-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkdtemp($0) != nil } ?? false }
        path = made ? String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "/tmp"
    }

    var entries: [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func remove() {
        for name in entries { unlink(path + "/" + name) }
        rmdir(path)
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    func read(_ name: String) -> [UInt8]? {
        try? FileIO.read(path + "/" + name, maxBytes: 1 << 30)
    }
}
