import Foundation
import Testing
@testable import RetouchCore

private func ramp(_ w: Int, _ h: Int, _ ch: Int) -> Image8 {
    Image8(width: w, height: h, channels: ch) { x, y, c in UInt8((x * 7 + y * 13 + c * 29) % 256) }
}

@Test func cropThenPasteRestoresTheOriginal() {
    let image = ramp(9, 7, 3)
    let rect = Rect(x: 2, y: 1, width: 4, height: 5)
    let patch = image.cropped(to: rect)
    #expect(patch.size == Size(width: 4, height: 5))
    #expect(patch[0, 0, 1] == image[2, 1, 1])
    var blank = Image8(width: 9, height: 7, channels: 3)
    blank.paste(patch, atX: 2, y: 1)
    #expect(blank.cropped(to: rect) == patch)
    #expect(blank[0, 0, 0] == 0)
}

@Test func reflectPaddingMirrorsWithoutRepeatingTheEdge() {
    let row = Image8(width: 3, height: 1, channels: 1, samples: [10, 20, 30])
    let padded = row.padded(EdgeInsets(top: 0, left: 2, bottom: 0, right: 2), mode: .reflect)
    #expect(padded.samples == [30, 20, 10, 20, 30, 20, 10])
    let replicated = row.padded(EdgeInsets(top: 1, left: 1, bottom: 0, right: 1), mode: .replicate)
    #expect(replicated.samples == [10, 10, 20, 30, 30, 10, 10, 20, 30, 30])
    let zeros = row.padded(EdgeInsets(all: 1), mode: .zero)
    #expect(zeros.samples.reduce(0) { $0 + Int($1) } == 60)
    #expect(zeros.size == Size(width: 5, height: 3))
}

@Test func channelConversionsKeepAlphaAndGray() {
    let rgba = ramp(4, 3, 4)
    let (color, alpha) = rgba.splitAlpha()
    #expect(color.channels == 3)
    #expect(alpha?.channels == 1)
    #expect(color.attachingAlpha(alpha!) == rgba)
    let gray = Image8(width: 2, height: 1, channels: 1, samples: [0, 200])
    let rgb = gray.converted(toChannels: 3)
    #expect(rgb.samples == [0, 0, 0, 200, 200, 200])
    #expect(rgb.converted(toChannels: 1) == gray)
    #expect(gray.converted(toChannels: 2).samples == [0, 255, 200, 255])
    #expect(rgb.isOpaque && gray.converted(toChannels: 4).isOpaque && !rgba.isOpaque)
}

@Test(arguments: Orientation.allCases)
func everyOrientationIsUndoneByItsInverse(orientation: Orientation) {
    let stored = ramp(5, 3, 3)
    let upright = stored.applying(orientation)
    #expect(upright.size == (orientation.swapsAxes ? Size(width: 3, height: 5) : Size(width: 5, height: 3)))
    // Each transform maps the stored top-left pixel to a known corner.
    let corner: (Int, Int) = switch orientation {
    case .up, .leftMirrored: (0, 0)
    case .upMirrored, .right: (upright.width - 1, 0)
    case .down, .rightMirrored: (upright.width - 1, upright.height - 1)
    case .downMirrored, .left: (0, upright.height - 1)
    }
    #expect(upright[corner.0, corner.1, 0] == stored[0, 0, 0])
    #expect(Set(upright.samples) == Set(stored.samples))
}

@Test func tileGridCoversTheImageExactlyOnce() {
    let grid = TileGrid(size: Size(width: 100, height: 37), tileSize: 32, overlap: 8)
    var covered = [Int](repeating: 0, count: 100 * 37)
    for tile in grid {
        #expect(tile.padded.contains(tile.core))
        for y in tile.core.y..<tile.core.maxY { for x in tile.core.x..<tile.core.maxX { covered[y * 100 + x] += 1 } }
    }
    #expect(covered.allSatisfy { $0 == 1 })
    #expect(grid.count == 4 * 2)
}

@Test func blendingIdenticalTilesReproducesTheImage() {
    let image = ramp(40, 30, 3).normalisedFloat()
    let grid = TileGrid(size: image.size, tileSize: 16, overlap: 6)
    var blender = TileBlender(width: 40, height: 30, channels: 3)
    for tile in grid {
        blender.add(image.cropped(to: tile.padded), at: (tile.padded.x, tile.padded.y), core: tile.core, ramp: 6)
    }
    let out = blender.result()
    let maxError = zip(out.samples, image.samples).map { abs($0 - $1) }.max() ?? 1
    #expect(maxError < 1e-5)
}

@Test func blockingPoolNeverRunsMoreThanItsWidth() async throws {
    let pool = BlockingPool(width: 2)
    let gauge = Gauge()
    try await withThrowingTaskGroup(of: Int.self) { group in
        for i in 0..<12 {
            group.addTask {
                try await pool.run {
                    gauge.enter()
                    defer { gauge.leave() }
                    usleep(2_000)
                    return i * i
                }
            }
        }
        var sum = 0
        for try await v in group { sum += v }
        #expect(sum == (0..<12).map { $0 * $0 }.reduce(0, +))
    }
    #expect(gauge.peak <= 2)
}

@Test func blockingPoolRunsUpToItsWidthAtOnce() async throws {
    // Two jobs that each wait for the other can only both finish if they run at the same time.
    let pool = BlockingPool(width: 2)
    let first = DispatchSemaphore(value: 0), second = DispatchSemaphore(value: 0)
    async let a = pool.run { first.signal(); return second.wait(timeout: .now() + 20) == .success }
    async let b = pool.run { second.signal(); return first.wait(timeout: .now() + 20) == .success }
    let (metA, metB) = try await (a, b)
    #expect(metA && metB)
}

@Test func blockingPoolPassesErrorsThrough() async {
    let pool = BlockingPool(width: 1)
    await #expect(throws: RetouchError.self) {
        try await pool.run { throw RetouchError(.invalidArgument, "boom") }
    }
}

/// Counts concurrent entries, remembering the most seen at once.
private final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    func enter() { lock.lock(); current += 1; peak = max(peak, current); lock.unlock() }
    func leave() { lock.lock(); current -= 1; lock.unlock() }
}
