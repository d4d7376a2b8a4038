import CLCMS2

/// An lcms2 profile handle, closed when the last reference goes.
final class ICCProfile {
    let handle: cmsHPROFILE

    private init(handle: cmsHPROFILE) { self.handle = handle }

    deinit { cmsCloseProfile(handle) }

    /// Parses an embedded profile; nil when lcms2 cannot make sense of it.
    convenience init?(bytes: [UInt8]) {
        guard !bytes.isEmpty, bytes.count <= Int(UInt32.max),
              let h = bytes.withUnsafeBytes({ cmsOpenProfileFromMem($0.baseAddress, UInt32($0.count)) })
        else { return nil }
        self.init(handle: h)
    }

    static func sRGB() -> ICCProfile? {
        cmsCreate_sRGBProfile().map(ICCProfile.init(handle:))
    }

    /// A gray profile with the sRGB tone curve, so gray images stay gray and match sRGB's neutral axis.
    static func sRGBGray() -> ICCProfile? {
        // IEC 61966-2-1 curve as lcms2's parametric type 4: Y = ((aX+b)^g) for X >= d, else cX.
        let params: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
        return grayProfile(curve: cmsBuildParametricToneCurve(nil, 4, params))
    }

    /// The space a PNG gAMA chunk describes: sRGB primaries and a pure power curve.
    /// `encodingGamma` is the chunk's value (0.45455 for the usual 1/2.2).
    static func gamma(_ encodingGamma: Double, space: ColourSpace) -> ICCProfile? {
        guard encodingGamma > 0.01, encodingGamma < 100 else { return nil }
        let curve = cmsBuildGamma(nil, 1 / encodingGamma)
        if space == .gray { return grayProfile(curve: curve) }
        guard let curve else { return nil }
        defer { cmsFreeToneCurve(curve) }
        var white = d65
        var primaries = cmsCIExyYTRIPLE(Red: cmsCIExyY(x: 0.64, y: 0.33, Y: 1),
                                        Green: cmsCIExyY(x: 0.30, y: 0.60, Y: 1),
                                        Blue: cmsCIExyY(x: 0.15, y: 0.06, Y: 1))
        var curves: [OpaquePointer?] = [curve, curve, curve]
        return cmsCreateRGBProfile(&white, &primaries, &curves).map(ICCProfile.init(handle:))
    }

    private static let d65 = cmsCIExyY(x: 0.3127, y: 0.3290, Y: 1)

    private static func grayProfile(curve: OpaquePointer?) -> ICCProfile? {
        guard let curve else { return nil }
        defer { cmsFreeToneCurve(curve) }
        var white = d65
        return cmsCreateGrayProfile(&white, curve).map(ICCProfile.init(handle:))
    }

    var space: ColourSpace? {
        switch cmsGetColorSpace(handle) {
        case cmsSigRgbData: .rgb
        case cmsSigGrayData: .gray
        case cmsSigCmykData: .cmyk
        default: nil
        }
    }

    /// The profile's own description ("Display P3", "Adobe RGB (1998)", ...).
    var description: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let n = cmsGetProfileInfoASCII(handle, cmsInfoDescription, "en", "US", &buffer, UInt32(buffer.count))
        guard n > 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
        return text.isEmpty ? nil : text
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
