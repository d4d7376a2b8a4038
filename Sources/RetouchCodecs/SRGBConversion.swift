import RetouchCore

/// The decode step that makes stored samples sRGB, whatever the file's colour description.
enum SRGBConversion {
    static func space(of header: SourceHeader) -> ColourSpace {
        header.colorModel == .cmyk ? .cmyk : header.channels <= 2 ? .gray : .rgb
    }

    /// Policy, in order: an embedded profile that matches the samples is converted from
    /// (skipped when it is sRGB in effect); CMYK without a usable profile gets the naive
    /// ink formula; a PNG gAMA is honoured as sRGB primaries with that curve. A profile
    /// lcms2 cannot read, or one for another colour model, is ignored and the samples are
    /// taken as sRGB: refusing a photo over a damaged optional tag would help nobody, and
    /// `info` reports the profile as ignored.
    static func apply(_ pixels: Pixels, header: SourceHeader) -> Pixels {
        let space = space(of: header)
        if let icc = header.icc, let profile = ICCProfile(bytes: icc), profile.space == space {
            if space != .cmyk && ColourConversion.isEffectivelySRGB(profile, space: space) { return pixels }
            if let converted = ColourConversion.toSRGB(pixels, space: space, source: profile,
                                                       cmykInverted: header.cmykInverted) {
                return converted
            }
        }
        if space == .cmyk {
            return .u8(NaiveColour.cmykToRGB(pixels.eightBit, inverted: header.cmykInverted))
        }
        if let gamma = header.gamma, let profile = ICCProfile.gamma(gamma, space: space),
           let converted = ColourConversion.toSRGB(pixels, space: space, source: profile) {
            return converted
        }
        return pixels
    }
}

extension Pixels {
    func applying(_ orientation: Orientation) -> Pixels {
        switch self {
        case .u8(let b): .u8(b.applying(orientation))
        case .u16(let b): .u16(b.applying(orientation))
        }
    }
}
