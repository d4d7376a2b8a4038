import RetouchCore

/// The classical upscalers: one per resampling filter, sharpest first. Always available,
/// any depth, alpha kept.
public enum ResamplerUpscalers {
    public static let all: [Upscaler] = [
        make(.lanczos3, "Lanczos (3 lobes): sharpest classical enlargement, slight ringing at hard edges"),
        make(.bicubic, "Bicubic (Keys, a = -0.5): smooth and fairly sharp"),
        make(.bilinear, "Bilinear: soft, no ringing"),
        make(.nearest, "Nearest neighbour: duplicates pixels, for pixel art and masks"),
    ]

    private static func make(_ filter: ResampleFilter, _ summary: String) -> Upscaler {
        Upscaler(name: filter.rawValue, summary: summary, family: .resampler, scales: [2, 3, 4]) { pixels, scale, context in
            try context.checkCancelled()
            let width = pixels.width * scale, height = pixels.height * scale
            switch pixels {
            case .u8(let buffer):
                return .u8(Resampler.resize(buffer, width: width, height: height, filter: filter, threads: context.threads))
            case .u16(let buffer):
                return .u16(Resampler.resize(buffer, width: width, height: height, filter: filter, threads: context.threads))
            }
        }
    }
}
