import Foundation
import Testing
import RetouchCodecs
import RetouchCore

struct InpaintCommandTests {
    @Test func boxesAreFilledAndReportedAsJSON() throws {
        let dir = try scratchDirectory()
        try writeTestImage("\(dir)/in.png", width: 64, height: 48)
        let result = try retouch("inpaint", "\(dir)/in.png", "--box", "10,10,8,6", "--box", "40,30,6,6",
                                 "--engine", "diffuse", "-o", "\(dir)/out.png", "--json")
        result.expectSuccess()
        #expect(result.stdout.contains("\"engine\" : \"diffuse\""))
        let before = try ImageFile.read("\(dir)/in.png").pixels.eightBit
        let after = try ImageFile.read("\(dir)/out.png").pixels.eightBit
        #expect(after.size == before.size)
        #expect(after[0, 0, 0] == before[0, 0, 0])
    }

    @Test func maskOfAnotherSizeNeedsTheResizeFlag() throws {
        let dir = try scratchDirectory()
        try writeTestImage("\(dir)/in.png", width: 64, height: 48)
        var mask = Image8(width: 32, height: 24, channels: 1, fill: 0)
        for y in 8..<12 { for x in 8..<12 { mask[x, y, 0] = 255 } }
        try ImageFile.write(Image(mask), to: "\(dir)/mask.png")
        let refused = try retouch("inpaint", "\(dir)/in.png", "--mask", "\(dir)/mask.png", "-o", "\(dir)/out.png")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("32x24") && refused.stderr.contains("64x48") && refused.stderr.contains("--resize-mask"))
        let resized = try retouch("inpaint", "\(dir)/in.png", "--mask", "\(dir)/mask.png", "--resize-mask", "-o", "\(dir)/out.png")
        resized.expectSuccess()
        #expect(resized.stdout.contains("region 1: 8x8 at 16,16"))
    }

    @Test func regionsFileAndHintsAreChecked() throws {
        let dir = try scratchDirectory()
        try writeTestImage("\(dir)/in.png", width: 64, height: 48)
        try Data(#"{"regions": [{"polygon": [[5, 5], [30, 5], [5, 30]]}]}"#.utf8).write(to: URL(fileURLWithPath: "\(dir)/r.json"))
        let ok = try retouch("inpaint", "\(dir)/in.png", "--regions", "\(dir)/r.json", "--hint", "color=#102030",
                             "-o", "\(dir)/out.png")
        ok.expectSuccess()
        #expect(try ImageFile.read("\(dir)/out.png").pixels.eightBit[8, 8, 2] == 0x30)
        try Data("[{\"box\": [1, 2".utf8).write(to: URL(fileURLWithPath: "\(dir)/bad.json"))
        let bad = try retouch("inpaint", "\(dir)/in.png", "--regions", "\(dir)/bad.json", "-o", "\(dir)/out2.png")
        #expect(bad.status != 0 && bad.stderr.contains("bad.json") && bad.stderr.contains("not valid JSON"))
        let hint = try retouch("inpaint", "\(dir)/in.png", "--box", "1,1,4,4", "--hint", "sharpen", "-o", "\(dir)/out3.png")
        #expect(hint.status != 0 && hint.stderr.contains("color=#RRGGBB"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out3.png"))
    }

    @Test func exactlyOneMaskSourceIsRequired() throws {
        let dir = try scratchDirectory()
        try writeTestImage("\(dir)/in.png")
        let none = try retouch("inpaint", "\(dir)/in.png", "-o", "\(dir)/out.png")
        #expect(none.status != 0 && none.stderr.contains("exactly one of --mask, --box"))
    }
}
