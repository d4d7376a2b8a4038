import Foundation
import Testing
import RetouchCodecs
import RetouchCore

@Test func upscaleWritesAnImageTwiceTheSize() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png")
    let result = try retouch("upscale", "\(dir)/in.png", "-o", "\(dir)/out.webp", "--scale", "3", "--model", "bicubic", "--json")
    #expect(result.status == 0, "\(result.stderr)")
    let info = try ImageFile.probe("\(dir)/out.webp")
    #expect(info.format == .webp)
    #expect(info.width == 144 && info.height == 96)
    #expect(result.stdout.contains("\"model\" : \"bicubic\""))
}

@Test func upscaleKeepsAlpha() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png", channels: 4)
    let result = try retouch("upscale", "\(dir)/in.png", "-o", "\(dir)/out.png", "--model", "nearest")
    #expect(result.status == 0, "\(result.stderr)")
    let out = try ImageFile.read("\(dir)/out.png").pixels.eightBit
    #expect(out.channels == 4)
    #expect(out[0, 0, 3] == 128 && out[2, 0, 3] == 255)
}

@Test func unknownModelIsRejectedWithTheChoices() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png")
    let result = try retouch("upscale", "\(dir)/in.png", "-o", "\(dir)/out.png", "--model", "magic")
    #expect(result.status != 0)
    #expect(result.stderr.contains("unknown upscale model 'magic'"))
    #expect(result.stderr.contains("lanczos3"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.png"))
}

@Test func corruptInputFailsNamingTheFileAndLeavesNoOutput() throws {
    let dir = try scratchDirectory()
    try Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).write(to: URL(fileURLWithPath: "\(dir)/broken.jpg"))
    try Data("hello".utf8).write(to: URL(fileURLWithPath: "\(dir)/notes.png"))
    for name in ["broken.jpg", "notes.png", "missing.png"] {
        let result = try retouch("upscale", "\(dir)/\(name)", "-o", "\(dir)/out.png")
        #expect(result.status != 0)
        #expect(result.stderr.contains(name), "\(result.stderr)")
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(Set(leftovers) == ["broken.jpg", "notes.png"])
}

@Test func outputExtensionMustNameAFormat() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png")
    let result = try retouch("upscale", "\(dir)/in.png", "-o", "\(dir)/out.gif")
    #expect(result.status != 0)
    #expect(result.stderr.contains(".jpg, .png or .webp"))
}

@Test func resizeHonoursFitModes() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png", width: 60, height: 30)
    let cases: [(args: [String], size: (Int, Int))] = [
        (["--width", "30"], (30, 15)),
        (["--height", "10"], (20, 10)),
        (["--width", "40", "--height", "40", "--fit", "contain"], (40, 20)),
        (["--width", "40", "--height", "40", "--fit", "cover"], (40, 40)),
        (["--width", "40", "--height", "40", "--fit", "fill"], (40, 40)),
    ]
    for (args, size) in cases {
        let process = try runResize(dir, args)
        #expect(process.status == 0, "\(process.stderr)")
        let info = try ImageFile.probe("\(dir)/out.png")
        #expect(info.width == size.0 && info.height == size.1, "\(args)")
    }
}

private func runResize(_ dir: String, _ extra: [String]) throws -> CLIResult {
    try retouch(arguments: ["resize", "\(dir)/in.png", "-o", "\(dir)/out.png"] + extra)
}

@Test func compareReportsIdenticalAndDifferentImages() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/a.png")
    let same = try retouch("compare", "\(dir)/a.png", "\(dir)/a.png", "--json")
    #expect(same.status == 0, "\(same.stderr)")
    #expect(same.stdout.contains("\"identical\" : true"))
    try retouch("resize", "\(dir)/a.png", "-o", "\(dir)/small.png", "--width", "24").expectSuccess()
    try retouch("resize", "\(dir)/small.png", "-o", "\(dir)/b.png", "--width", "48").expectSuccess()
    let different = try retouch("compare", "\(dir)/a.png", "\(dir)/b.png", "--y", "--crop", "2", "--json")
    let report = try JSONSerialization.jsonObject(with: Data(different.stdout.utf8)) as? [String: Any]
    let psnr = try #require(report?["psnr"] as? Double)
    let ssim = try #require(report?["ssim"] as? Double)
    #expect(psnr > 15 && psnr < 60)
    #expect(ssim > 0.5 && ssim < 1)
    let mismatch = try retouch("compare", "\(dir)/a.png", "\(dir)/small.png")
    #expect(mismatch.status != 0)
    #expect(mismatch.stderr.contains("48x32") && mismatch.stderr.contains("24x16"))
}

@Test func infoDescribesTheFile() throws {
    let dir = try scratchDirectory()
    try writeTestImage("\(dir)/in.png", channels: 4)
    let result = try retouch("info", "\(dir)/in.png", "--json")
    #expect(result.status == 0, "\(result.stderr)")
    let info = try JSONDecoder().decode(ImageInfo.self, from: Data(result.stdout.utf8))
    #expect(info.format == .png && info.width == 48 && info.height == 32 && info.channels == 4 && info.hasAlpha)
}
