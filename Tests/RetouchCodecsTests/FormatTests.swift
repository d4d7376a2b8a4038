import Testing
import RetouchCore
@testable import RetouchCodecs

@Test func formatComesFromBytesNotNames() {
    #expect(ImageFormat.detect([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
    #expect(ImageFormat.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
    #expect(ImageFormat.detect(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
    #expect(ImageFormat.detect(Array("GIF89a".utf8)) == nil)
    #expect(ImageFormat.describeUnsupported(Array("GIF89a".utf8)) == "a GIF")
    #expect(ImageFormat.detect([]) == nil)
}

@Test func outputFormatComesFromTheExtension() throws {
    #expect(try ImageFormat.forOutput(path: "out/a.JPG") == .jpeg)
    #expect(try ImageFormat.forOutput(path: "b.webp") == .webp)
    #expect(throws: RetouchError.self) { try ImageFormat.forOutput(path: "noext") }
    #expect(throws: RetouchError.self) { try ImageFormat.forOutput(path: "x.gif") }
}
