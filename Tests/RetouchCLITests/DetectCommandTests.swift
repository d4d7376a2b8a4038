import Foundation
import RetouchCodecs
import RetouchCore
import Testing

/// A smooth photo-like image; with `caption`, white block letters near the bottom (a 5x7
/// bitmap "SALE" drawn with 4-pixel cells), whose ink pixels are returned.
private func photo(width: Int = 480, height: Int = 320, caption: Bool) -> (Image8, [Bool]) {
    var image = Image8(width: width, height: height, channels: 3) { x, y, c in
        UInt8(70 + (x * 60) / width + (y * 50) / height + c * 15)
    }
    var ink = [Bool](repeating: false, count: width * height)
    guard caption else { return (image, ink) }
    let glyphs = [[".####", "#....", "#....", ".###.", "....#", "....#", "####."],
                  [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
                  ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
                  ["#####", "#....", "#....", "####.", "#....", "#....", "#####"]]
    for copy in 0..<2 {
        for (i, glyph) in glyphs.enumerated() {
            for (r, row) in glyph.enumerated() {
                for (c, v) in row.enumerated() where v == "#" {
                    for dy in 0..<4 { for dx in 0..<4 {
                        let cell = (copy * 5 + i) * 6 + c
                        let x = 40 + cell * 4 + dx, y = 250 + r * 4 + dy
                        ink[y * width + x] = true
                        for ch in 0..<3 { image[x, y, ch] = 255 }
                    } }
                }
            }
        }
    }
    return (image, ink)
}

private func json(_ result: CLIResult) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
}

@Suite struct DetectCommandTests {
    @Test func plainPhotoHasNoOverlay() throws {
        let dir = try scratchDirectory()
        try ImageFile.write(Image(photo(caption: false).0), to: dir + "/plain.png")
        let result = try retouch("detect", dir + "/plain.png", "--json")
        result.expectSuccess()
        let report = try json(result)
        #expect((report["regions"] as? [Any])?.isEmpty == true)
        #expect((report["overlay_probability"] as? Double ?? 1) < 0.1)
        #expect(report["mask_coverage"] as? Double == 0)
    }

    @Test func captionIsFoundRoutedAndMasked() throws {
        let dir = try scratchDirectory()
        let (image, ink) = photo(caption: true)
        try ImageFile.write(Image(image), to: dir + "/stamped.png")
        let result = try retouch("detect", dir + "/stamped.png", "--json", "--features", "--mask-out", dir + "/mask.png")
        result.expectSuccess()
        let report = try json(result)
        #expect((report["overlay_probability"] as? Double ?? 0) >= 0.6)
        let regions = try #require(report["regions"] as? [[String: Any]])
        #expect(!regions.isEmpty)
        #expect((report["features"] as? [String: Double])?.isEmpty == false)
        let mask = try ImageFile.read(dir + "/mask.png").pixels.eightBit
        #expect(mask.size == image.size)
        let covered = ink.indices.filter { ink[$0] && mask.samples[$0 * mask.channels] >= 128 }.count
        #expect(Double(covered) >= 0.97 * Double(ink.filter { $0 }.count))
    }

    @Test func eraseTextRemovesTheCaption() throws {
        let dir = try scratchDirectory()
        let (image, ink) = photo(caption: true)
        let (clean, _) = photo(caption: false)
        try ImageFile.write(Image(image), to: dir + "/stamped.png")
        let result = try retouch("erase-text", dir + "/stamped.png", "-o", dir + "/out.png", "--mask-out", dir + "/mask.png", "--json")
        result.expectSuccess()
        #expect(try json(result)["erased"] as? Bool == true)
        let out = try ImageFile.read(dir + "/out.png").pixels.eightBit
        // Where the letters were, the result is close to the photo without them.
        var before = 0.0, after = 0.0, n = 0.0
        for p in ink.indices where ink[p] {
            for c in 0..<3 {
                before += abs(Double(image.samples[p * 3 + c]) - Double(clean.samples[p * 3 + c]))
                after += abs(Double(out.samples[p * 3 + c]) - Double(clean.samples[p * 3 + c]))
                n += 1
            }
        }
        #expect(after / n < 0.2 * before / n)
        #expect(FileManager.default.fileExists(atPath: dir + "/mask.png"))
    }

    @Test func routedEraseLeavesPhotosWithoutOverlaysAlone() throws {
        let dir = try scratchDirectory()
        let (image, _) = photo(caption: false)
        try ImageFile.write(Image(image), to: dir + "/plain.png")
        let result = try retouch("erase-text", dir + "/plain.png", "-o", dir + "/out.png", "--route", "--json")
        result.expectSuccess()
        #expect(try json(result)["erased"] as? Bool == false)
        #expect(try ImageFile.read(dir + "/out.png").pixels.eightBit == image)
    }

    @Test func badInputsFailWithClearMessages() throws {
        let dir = try scratchDirectory()
        let missing = try retouch("detect", dir + "/nope.png")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.png"))
        try writeTestImage(dir + "/small.png")
        let score = try retouch("detect", dir + "/small.png", "--min-score", "2")
        #expect(score.status != 0)
        #expect(score.stderr.contains("--min-score"))
        let engine = try retouch("erase-text", dir + "/small.png", "-o", dir + "/o.png", "--engine", "magic")
        #expect(engine.status != 0)
        #expect(engine.stderr.contains("magic"))
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/junk.png"))
        let junk = try retouch("erase-text", dir + "/junk.png", "-o", dir + "/o2.png")
        #expect(junk.status != 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/o2.png"))
    }
}
