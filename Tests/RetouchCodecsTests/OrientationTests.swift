import Testing
import RetouchCore
@testable import RetouchCodecs

/// Where stored pixel (x, y) of a w x h image appears once displayed, derived from the EXIF
/// table of which side row 0 and column 0 show (1: top/left, 2: top/right, 3: bottom/right,
/// 4: bottom/left, 5: left/top, 6: right/top, 7: right/bottom, 8: left/bottom).
private func displayed(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ orientation: Int) -> (Int, Int) {
    switch orientation {
    case 2: (w - 1 - x, y)
    case 3: (w - 1 - x, h - 1 - y)
    case 4: (x, h - 1 - y)
    case 5: (y, x)
    case 6: (h - 1 - y, x)
    case 7: (h - 1 - y, w - 1 - x)
    case 8: (y, w - 1 - x)
    default: (x, y)
    }
}

@Suite struct OrientationTests {
    @Test(arguments: 1...8, [false, true])
    func jpegIsTurnedUpright(orientation: Int, bigEndian: Bool) throws {
        let columns = 3, rows = 2
        let stored = Fixture.blocks(columns: columns, rows: rows)
        let plain = try ImageEncoder.encode(Image(stored), as: .jpeg, options: EncodeOptions(quality: 100))
        let bytes = Fixture.withExif(plain, orientation: orientation, bigEndian: bigEndian)

        let image = try ImageDecoder.decode(bytes)
        let swaps = orientation >= 5
        #expect(image.size == (swaps ? Size(width: stored.height, height: stored.width) : stored.size))
        #expect(image.metadata.orientation == orientation)
        let upright = image.pixels.eightBit
        // Sample each block's centre where the EXIF table says it should land.
        for block in 0..<(columns * rows) {
            let cx = (block % columns) * 16 + 8, cy = (block / columns) * 16 + 8
            let (ux, uy) = displayed(cx, cy, stored.width, stored.height, orientation)
            let i = upright.index(ux, uy)
            let got = Array(upright.samples[i..<i + 3])
            #expect(maxDifference(got, Fixture.blockColour(block)) <= 4, "block \(block), orientation \(orientation)")
        }
    }

    @Test(arguments: 1...8)
    func pngEXIfIsHonouredExactly(orientation: Int) throws {
        let stored = Fixture.noise(5, 3, channels: 2)
        let plain = try ImageEncoder.encode(Image(stored), as: .png)
        let bytes = Fixture.insertingChunk(Fixture.pngChunk("eXIf", Fixture.exif(orientation: orientation, bigEndian: false)), into: plain)
        let upright = try ImageDecoder.decode(bytes).pixels.eightBit
        for y in 0..<stored.height {
            for x in 0..<stored.width {
                let (ux, uy) = displayed(x, y, stored.width, stored.height, orientation)
                #expect(upright[ux, uy, 0] == stored[x, y, 0])
                #expect(upright[ux, uy, 1] == stored[x, y, 1])
            }
        }
    }

    @Test func probeReportsUprightAndStoredSizes() throws {
        let plain = try ImageEncoder.encode(Image(Fixture.gradient(40, 24)), as: .jpeg)
        let info = try ImageDecoder.probe(Fixture.withExif(plain, orientation: 6, bigEndian: false))
        #expect(info.orientation == 6)
        #expect((info.width, info.height) == (24, 40))
        #expect((info.storedWidth, info.storedHeight) == (40, 24))
    }

    @Test func damagedOrOutOfRangeOrientationIsIgnored() throws {
        let plain = try ImageEncoder.encode(Image(Fixture.gradient(40, 24)), as: .jpeg)
        let outOfRange = Fixture.withExif(plain, orientation: 9, bigEndian: true)
        #expect(try ImageDecoder.decode(outOfRange).size == Size(width: 40, height: 24))
        var cut = Fixture.exif(orientation: 6, bigEndian: true)
        cut.removeLast(8)  // the entry's value is no longer there
        let truncatedExif = Fixture.insertingSegment(0xE1, Array("Exif".utf8) + [0, 0] + cut, into: plain)
        let image = try ImageDecoder.decode(truncatedExif)
        #expect(image.metadata.orientation == 1 && image.size == Size(width: 40, height: 24))
    }

    @Test func orientationResetRewritesOnlyTheTag() {
        for bigEndian in [false, true] {
            let reset = Exif.resettingOrientation(Fixture.exif(orientation: 8, bigEndian: bigEndian))
            #expect(reset == Fixture.exif(orientation: 1, bigEndian: bigEndian))
            #expect(Exif.orientation(reset) == 1)
        }
    }
}
