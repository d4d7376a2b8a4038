import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

private let convolutionFilters: [ResampleFilter] = [.bilinear, .bicubic, .lanczos3]
/// Up, down, both at once, odd factors and a large reduction.
private let sizeChanges = [(7, 5, 13, 11), (13, 11, 7, 5), (9, 12, 20, 4), (30, 21, 10, 7), (40, 3, 3, 40)]

private func constant<S: PixelSample>(_ w: Int, _ h: Int, _ channels: Int, _ values: [S]) -> PixelBuffer<S> {
    PixelBuffer(width: w, height: h, channels: channels) { _, _, c in values[c] }
}

private func smooth(_ w: Int, _ h: Int, channels: Int = 3) -> Image8 {
    Image8(width: w, height: h, channels: channels) { x, y, c in
        let fx = Double(x) / Double(w), fy = Double(y) / Double(h)
        return UInt8(128 + 90 * sin(2.2 * fx + 1.3 * fy + Double(c)) * cos(1.7 * fy - 0.6 * fx))
    }
}

@Test(arguments: ResampleFilter.allCases)
func constantImagesStayExactlyConstant(filter: ResampleFilter) {
    for channels in 1...4 {
        // Alpha (last of 2 or 4 channels) is partly transparent so premultiplication is exercised.
        let u8: [UInt8] = [200, 17, 255, 100].prefix(channels - 1) + [channels % 2 == 0 ? 77 : 9]
        let u16: [UInt16] = [51_234, 3, 65_535, 40_000].prefix(channels - 1) + [channels % 2 == 0 ? 1_000 : 65_535]
        let f: [Float] = [0.3, 0.71, 1, 0.123_456_7].prefix(channels - 1) + [channels % 2 == 0 ? 0.37 : 0.9]
        for (w, h, ow, oh) in sizeChanges {
            let a = constant(w, h, channels, u8), b = constant(w, h, channels, u16), c = constant(w, h, channels, f)
            #expect(Resampler.resize(a, width: ow, height: oh, filter: filter) == constant(ow, oh, channels, u8))
            #expect(Resampler.resize(b, width: ow, height: oh, filter: filter) == constant(ow, oh, channels, u16))
            #expect(Resampler.resize(c, width: ow, height: oh, filter: filter) == constant(ow, oh, channels, f))
        }
    }
}

@Test(arguments: convolutionFilters)
func downscaleThenUpscaleOfASmoothImageStaysClose(filter: ResampleFilter) throws {
    let image = smooth(96, 64)
    let small = Resampler.resize(image, width: 48, height: 32, filter: filter)
    let back = Resampler.resize(small, width: 96, height: 64, filter: filter)
    #expect(try Metrics.psnr(image, back) > 48)
}

@Test func nearestDoublingDuplicatesEachPixel() {
    let image = Image8(width: 5, height: 3, channels: 3) { x, y, c in UInt8(x * 40 + y * 7 + c) }
    let doubled = Resampler.resize(image, width: 10, height: 6, filter: .nearest)
    for y in 0..<6 { for x in 0..<10 { for c in 0..<3 { #expect(doubled[x, y, c] == image[x / 2, y / 2, c]) } } }
    // Halving takes every other pixel back.
    #expect(Resampler.resize(doubled, width: 5, height: 3, filter: .nearest) == image)
}

@Test(arguments: ResampleFilter.allCases)
func unchangedSizeReturnsTheSamePixels(filter: ResampleFilter) {
    let image = smooth(17, 9, channels: 4)
    #expect(Resampler.resize(image, width: 17, height: 9, filter: filter) == image)
    // One axis unchanged: that axis is copied, so a one-row image stays one row of the same values.
    let row = smooth(17, 1, channels: 1)
    let stretched = Resampler.resize(row, width: 17, height: 3, filter: filter)
    for y in 0..<3 { #expect(Array(stretched.samples[(y * 17)..<(y * 17 + 17)]) == row.samples) }
}

@Test(arguments: ResampleFilter.allCases)
func degenerateShapesWork(filter: ResampleFilter) {
    let shapes = [(1, 1), (1, 9), (9, 1)]
    for (w, h) in shapes {
        let image = Image8(width: w, height: h, channels: 3) { x, y, c in UInt8((x + y) * 20 + c) }
        for (ow, oh) in [(1, 1), (3, 3), (1, 20), (20, 1), (4, 2)] {
            let out = Resampler.resize(image, width: ow, height: oh, filter: filter)
            #expect(out.size == Size(width: ow, height: oh) && out.channels == 3)
        }
    }
    let dot = Image8(width: 1, height: 1, channels: 2, samples: [90, 255])
    #expect(Resampler.resize(dot, width: 3, height: 2, filter: filter) == constant(3, 2, 2, [UInt8(90), 255]))
    #expect(Resampler.resize(dot, width: 0, height: 5, filter: filter).samples.isEmpty)
}

@Test(arguments: ResampleFilter.allCases)
func outputSizeIsExactForOddFactors(filter: ResampleFilter) {
    let image = smooth(10, 7)
    for (w, h) in [(30, 21), (50, 35), (3, 2), (31, 22), (11, 8), (9, 6)] {
        let out = Resampler.resize(image, width: w, height: h, filter: filter)
        #expect(out.width == w && out.height == h && out.samples.count == w * h * 3)
    }
}

@Test(arguments: ResampleFilter.allCases)
func threadCountDoesNotChangeResults(filter: ResampleFilter) {
    let image = smooth(160, 120, channels: 4)
    for (w, h) in [(480, 360), (70, 50)] {
        let one = Resampler.resize(image, width: w, height: h, filter: filter, threads: 1)
        #expect(Resampler.resize(image, width: w, height: h, filter: filter, threads: 3) == one)
        #expect(Resampler.resize(image, width: w, height: h, filter: filter, threads: 0) == one)
    }
    let deep = image.map { UInt16($0) * 257 }
    #expect(Resampler.resize(deep, width: 480, height: 360, filter: filter, threads: 1)
        == Resampler.resize(deep, width: 480, height: 360, filter: filter, threads: 4))
}

@Test(arguments: [ResampleFilter.bicubic, .lanczos3], [2, 3])
func linearRampsAreReproducedInTheInterior(filter: ResampleFilter, factor: Int) {
    let width = 60
    let ramp = Image8(width: width, height: 4, channels: 1) { x, _, _ in UInt8(10 + 3 * x) }
    let up = Resampler.resize(ramp, width: width * factor, height: 4, filter: filter)
    // Stay clear of the edges, where the clipped window is no longer symmetric.
    for x in (4 * factor)..<((width - 4) * factor) {
        let source = (Double(x) + 0.5) / Double(factor) - 0.5
        #expect(abs(Double(up[x, 2, 0]) - (10 + 3 * source)) <= 1)
    }
    let down = Resampler.resize(ramp, width: width / factor, height: 4, filter: filter)
    for x in 4..<(width / factor - 4) {
        let source = (Double(x) + 0.5) * Double(factor) - 0.5
        #expect(abs(Double(down[x, 2, 0]) - (10 + 3 * source)) <= 1)
    }
}

@Test(arguments: convolutionFilters)
func transparentColourDoesNotBleedIntoVisiblePixels(filter: ResampleFilter) {
    // Left half opaque red, right half fully transparent green.
    let image = Image8(width: 8, height: 4, channels: 4) { x, _, c in
        x < 4 ? [255, 0, 0, 255][c] : [0, 255, 0, 0][c]
    }
    let up = Resampler.resize(image, width: 32, height: 16, filter: filter)
    for y in 0..<16 {
        for x in 0..<32 where up[x, y, 3] > 0 {
            #expect(up[x, y, 1] == 0, "green leaked at \(x),\(y)")
        }
    }
}

@Test func floatDataKeepsOvershoot() {
    // A hard step makes Lanczos ring; float output is left unclamped.
    let step = ImageF(width: 8, height: 1, channels: 1) { x, _, _ in x < 4 ? 0 : 1 }
    let up = Resampler.resize(step, width: 32, height: 1, filter: .lanczos3)
    #expect(up.samples.contains { $0 > 1 } && up.samples.contains { $0 < 0 })
}

@Test("cached axis weights are the weights computed afresh, for every size pair and kernel")
func cachedWeightsMatchFresh() {
    let cache = AxisWeightCache(maxWeights: 1_000_000)
    for kernel in [ResampleKernel.triangle, .keysCubic, .lanczos3] {
        for (from, to) in [(600, 1200), (1200, 600), (7, 13), (13, 7), (40, 3), (5, 5)] {
            let fresh = AxisWeights(from: from, to: to, kernel: kernel)
            #expect(cache.weights(from: from, to: to, kernel: kernel) == fresh)
            #expect(cache.weights(from: from, to: to, kernel: kernel) == fresh, "and again, from the cache")
        }
    }
}

@Test("the weight cache never holds more weights than its bound, and stays correct after dropping entries")
func weightCacheBound() {
    let bound = 10_000
    let cache = AxisWeightCache(maxWeights: bound)
    for size in stride(from: 100, through: 2000, by: 100) {
        let weights = cache.weights(from: size, to: size * 2, kernel: .lanczos3)
        #expect(weights == AxisWeights(from: size, to: size * 2, kernel: .lanczos3))
        #expect(cache.weightsHeld <= bound)
    }
    let huge = cache.weights(from: 100, to: 5000, kernel: .lanczos3)
    #expect(huge.weights.count > bound, "an entry over the bound is computed but not kept")
    #expect(cache.weightsHeld <= bound)
}
