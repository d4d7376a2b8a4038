import Glibc
import Testing
import RetouchCore
@testable import RetouchCodecs

@Suite struct ImageFileTests {
    private let image = Image(Fixture.gradient(20, 10, channels: 4))

    @Test(arguments: ["out.png", "out.webp", "out.JPG"])
    func writesAtomicallyAndReadsBack(name: String) throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        try ImageFile.write(image, to: dir.path + "/" + name, options: EncodeOptions(lossless: true))
        #expect(dir.entries == [name])
        let back = try ImageFile.read(dir.path + "/" + name)
        #expect(back.size == image.size)
        #expect(try ImageFile.probe(dir.path + "/" + name).fileSize == dir.read(name)?.count)
    }

    @Test func failedEncodeLeavesNoFileAndKeepsTheOldOne() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        dir.write("keep.webp", [1, 2, 3])
        let tooWide = Image(Image8(width: 20_000, height: 1, channels: 3))
        #expect(throws: RetouchError.self) { try ImageFile.write(tooWide, to: dir.path + "/keep.webp") }
        #expect(throws: RetouchError.self) {
            try ImageFile.write(image, to: dir.path + "/new.jpg", options: EncodeOptions(quality: 0))
        }
        #expect(dir.entries == ["keep.webp"])
        #expect(dir.read("keep.webp") == [1, 2, 3])
    }

    @Test func replacingKeepsPermissions() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        dir.write("a.png", [0])
        chmod(dir.path + "/a.png", 0o600)
        try ImageFile.write(image, to: dir.path + "/a.png")
        var info = stat()
        stat(dir.path + "/a.png", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(dir.entries == ["a.png"])
    }

    @Test func unknownOrContradictoryExtensionIsRefusedBeforeWriting() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        #expect(throws: RetouchError.self) { try ImageFile.write(image, to: dir.path + "/x.gif") }
        do {
            try ImageFile.write(image, to: dir.path + "/x.jpg", format: .png)
            Issue.record("a PNG written under a .jpg name should be refused")
        } catch let error as RetouchError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix(dir.path + "/x.jpg: "))
        }
        try ImageFile.write(image, to: dir.path + "/x.bin", format: .png)
        #expect(dir.entries == ["x.bin"])
    }

    @Test func errorsStartWithThePath() {
        let missingDir = "/nonexistent-retouch-dir/out.png"
        do {
            try ImageFile.write(image, to: missingDir)
            Issue.record("writing into a missing directory should fail")
        } catch let error as RetouchError {
            #expect(error.code == .io)
            #expect(error.message.hasPrefix(missingDir + ": "))
            #expect(error.message.contains("/nonexistent-retouch-dir"))
        } catch { Issue.record("\(error)") }

        let missingFile = "/nonexistent-retouch-dir/in.jpg"
        #expect(throws: RetouchError(.io, missingFile + ": no such file")) { try ImageFile.read(missingFile) }
    }

    @Test func decodeErrorsNameTheFile() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        dir.write("empty.jpg", [])
        dir.write("notes.png", Array("just some text, not a picture".utf8))
        for (name, code) in [("empty.jpg", RetouchError.Code.emptyFile), ("notes.png", .unsupportedFormat)] {
            do {
                _ = try ImageFile.read(dir.path + "/" + name)
                Issue.record("\(name) should not decode")
            } catch let error as RetouchError {
                #expect(error.code == code)
                #expect(error.message.hasPrefix(dir.path + "/" + name + ": "))
            }
        }
        #expect(throws: RetouchError.self) { try ImageFile.read(dir.path) }
    }

    @Test func writeBytesIsAtomicToo() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        try ImageFile.writeBytes(Array("report".utf8), to: dir.path + "/r.txt")
        try ImageFile.writeBytes(Array("second".utf8), to: dir.path + "/r.txt")
        #expect(dir.entries == ["r.txt"])
        #expect(dir.read("r.txt") == Array("second".utf8))
    }
}

@Suite struct ProbeTests {
    @Test func probeDescribesAPNGWithoutDecodingIt() throws {
        let profile = Fixture.wideGamutProfile()
        let source = Image(.u16(Fixture.noise16(30, 20, channels: 4)))
        var png = try ImageEncoder.encode(source, as: .png)
        png = Fixture.insertingChunk(Fixture.pngChunk("eXIf", Fixture.exif(orientation: 8, bigEndian: true)), into: png)
        png = Fixture.insertingChunk(Fixture.iCCP(profile), into: png)
        let info = try ImageDecoder.probe(png)
        #expect(info == ImageInfo(format: .png, width: 20, height: 30, storedWidth: 30, storedHeight: 20,
                                  channels: 4, bitDepth: 16, hasAlpha: true, orientation: 8, colorModel: "RGB",
                                  iccProfile: Fixture.describe(profile), fileSize: png.count))
    }

    @Test func probeDescribesGrayJPEGAndWebP() throws {
        let jpeg = try ImageDecoder.probe(ImageEncoder.encode(Image(Fixture.gradient(channels: 1)), as: .jpeg))
        #expect((jpeg.format, jpeg.channels, jpeg.bitDepth, jpeg.colorModel, jpeg.hasAlpha) == (.jpeg, 1, 8, "Gray", false))
        let webp = try ImageDecoder.probe(ImageEncoder.encode(Image(Fixture.gradient(channels: 4)), as: .webp))
        #expect((webp.format, webp.width, webp.height, webp.channels, webp.hasAlpha) == (.webp, 64, 48, 4, true))
        #expect(webp.iccProfile == nil && webp.orientation == 1)
    }

    @Test func probeSeesWebPExifOrientation() throws {
        let exif = Fixture.exif(orientation: 6, bigEndian: false)
        let image = Image(Fixture.gradient(), metadata: ImageMetadata(exif: exif))
        // Written with keepMetadata the orientation is reset; patch it back to 6 to read it.
        var webp = try ImageEncoder.encode(image, as: .webp, options: EncodeOptions(keepMetadata: true))
        let reset = Exif.resettingOrientation(exif)
        guard let at = (0...webp.count - reset.count).first(where: { webp.matches(reset, at: $0) }) else {
            Issue.record("EXIF chunk not found"); return
        }
        webp.replaceSubrange(at..<at + exif.count, with: exif)
        let info = try ImageDecoder.probe(webp)
        #expect(info.orientation == 6 && info.width == 48 && info.height == 64)
        #expect(try ImageDecoder.decode(webp).size == Size(width: 48, height: 64))
    }
}
