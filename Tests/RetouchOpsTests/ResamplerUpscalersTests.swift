import Testing
import RetouchCore
@testable import RetouchOps

@Test func everyFilterIsARegisteredResamplerUpscaler() throws {
    let registry = Registry(kind: "upscale model", ResamplerUpscalers.all)
    #expect(registry.names == ["lanczos3", "bicubic", "bilinear", "nearest"])
    for entry in registry.entries {
        #expect(entry.family == .resampler && entry.scales == [2, 3, 4] && entry.availability().isAvailable)
    }
}

@Test(arguments: [2, 3, 4])
func upscalingKeepsDepthAndChannels(scale: Int) throws {
    let deep = Image16(width: 5, height: 4, channels: 4) { x, y, c in UInt16(x * 9000 + y * 700 + c) }
    for upscaler in ResamplerUpscalers.all {
        let out = try upscaler.upscale(.u16(deep), scale: scale)
        #expect(out.bitDepth == 16 && out.channels == 4 && out.size == Size(width: 5 * scale, height: 4 * scale))
        let filter = try #require(ResampleFilter(rawValue: upscaler.name))
        #expect(out == .u16(Resampler.resize(deep, width: 5 * scale, height: 4 * scale, filter: filter)))
    }
}

@Test func unsupportedScalesAreRefused() {
    #expect(throws: RetouchError.self) {
        try ResamplerUpscalers.all[0].upscale(.u8(Image8(width: 2, height: 2, channels: 3)), scale: 5)
    }
}
