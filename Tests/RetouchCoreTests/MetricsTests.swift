import Testing
@testable import RetouchCore

// Images recreated from bench/reference/metrics_reference.py; the expected values are what
// scikit-image printed for them (rerun the script to regenerate).
private func pattern(_ channels: Int) -> Image8 {
    Image8(width: 64, height: 48, channels: channels) { x, y, c in UInt8((3 * x + 2 * y + 40 * c + (x * y) % 23) % 256) }
}

private func noisy(_ image: Image8) -> Image8 {
    Image8(width: image.width, height: image.height, channels: image.channels) { x, y, c in
        let noise = (x * 7 + y * 13 + c * 5 + (x * y * 3) % 7) % 13 - 6
        return UInt8(max(0, min(255, Int(image[x, y, c]) + noise)))
    }
}

private func close(_ value: Double, _ expected: Double) -> Bool {
    abs(value - expected) <= 1e-6 * abs(expected)
}

@Test(arguments: [
    (0, 36.725147635707, 44.363106369289, 36.617927276097),
    (4, 36.742093157880, 44.373234503804, 36.812126145270),
])
func psnrMatchesScikitImage(crop: Int, rgb: Double, luma: Double, gray: Double) throws {
    let a = pattern(3), g = pattern(1)
    #expect(close(try Metrics.psnr(a, noisy(a), crop: crop), rgb))
    #expect(close(try Metrics.psnr(a, noisy(a), onY: true, crop: crop), luma))
    #expect(close(try Metrics.psnr(g, noisy(g), crop: crop), gray))
}

@Test(arguments: [
    (0, 0.947954310053, 0.988614327479, 0.942042180902),
    (4, 0.947594036215, 0.987940488188, 0.939651475573),
])
func ssimMatchesScikitImage(crop: Int, rgb: Double, luma: Double, gray: Double) throws {
    let a = pattern(3), g = pattern(1)
    #expect(close(try Metrics.ssim(a, noisy(a), crop: crop), rgb))
    #expect(close(try Metrics.ssim(a, noisy(a), onY: true, crop: crop), luma))
    #expect(close(try Metrics.ssim(g, noisy(g), crop: crop), gray))
}

@Test func identicalImagesHaveInfinitePSNRAndUnitSSIM() throws {
    let a = pattern(3)
    #expect(try Metrics.psnr(a, a) == .infinity)
    #expect(try Metrics.psnr(a, a, onY: true, crop: 2) == .infinity)
    let ssim = try Metrics.ssim(a, a)
    #expect(abs(ssim - 1) < 1e-12)
}

@Test func alphaIsIgnoredAndGrayMatchesItsRGBCopy() throws {
    let rgb = pattern(3)
    let rgba = rgb.converted(toChannels: 4)
    let withAlpha = try Metrics.psnr(rgba, noisy(rgb)), without = try Metrics.psnr(rgb, noisy(rgb))
    #expect(withAlpha == without)
    let gray = pattern(1)
    let againstRGB = try Metrics.psnr(gray, noisy(gray).converted(toChannels: 3))
    #expect(againstRGB == (try Metrics.psnr(gray, noisy(gray))))
}

@Test func mismatchedSizesNameBothSizes() {
    let error = #expect(throws: RetouchError.self) {
        try Metrics.psnr(pattern(3), Image8(width: 63, height: 48, channels: 3))
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("64x48") == true && error?.message.contains("63x48") == true)
}

@Test func cropsThatLeaveTooLittleAreRejected() throws {
    let a = pattern(3)
    #expect(throws: RetouchError.self) { try Metrics.psnr(a, a, crop: 24) }
    #expect(throws: RetouchError.self) { try Metrics.psnr(a, a, crop: -1) }
    // 48 - 2 * 19 = 10 rows: too few for the 11-pixel SSIM window, though PSNR is fine.
    #expect(throws: RetouchError.self) { try Metrics.ssim(a, a, crop: 19) }
    #expect(try Metrics.psnr(a, noisy(a), crop: 19).isFinite)
}
