import CLCMS2

/// lcms2 pixel-format words. lcms2.h builds them with macros Swift does not import
/// (TYPE_RGB_8 is COLORSPACE_SH(PT_RGB) | CHANNELS_SH(3) | BYTES_SH(1)); this composes
/// the same bit fields: colour space << 16, flavor << 13, extra << 7, channels << 3, bytes.
enum LCMSFormat {
    static func word(space: ColourSpace, extraChannels: Int, bytesPerSample: Int,
                     inverted: Bool = false) -> UInt32 {
        let pixelType: UInt32
        switch space {
        case .gray: pixelType = UInt32(PT_GRAY)
        case .rgb: pixelType = UInt32(PT_RGB)
        case .cmyk: pixelType = UInt32(PT_CMYK)
        }
        return pixelType << 16 | (inverted ? 1 << 13 : 0) | UInt32(extraChannels) << 7
            | UInt32(space.colourChannels) << 3 | UInt32(bytesPerSample)
    }
}

/// The colour spaces Retouch converts from.
enum ColourSpace {
    case gray, rgb, cmyk

    var colourChannels: Int {
        switch self { case .gray: 1; case .rgb: 3; case .cmyk: 4 }
    }
}
