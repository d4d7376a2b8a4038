import Foundation
import Testing
import RetouchCore
@testable import RetouchOps

/// Images and masks the inpainting tests share; everything is generated, nothing is read.
enum Fixtures {
    static func constant(_ w: Int, _ h: Int, _ rgb: [UInt8]) -> Image8 {
        Image8(width: w, height: h, channels: rgb.count) { _, _, c in rgb[c] }
    }

    /// Integer-valued linear ramps in each channel, so the exact answer is representable.
    static func ramp(_ w: Int, _ h: Int) -> Image8 {
        Image8(width: w, height: h, channels: 3) { x, y, c in
            UInt8([20 + x + y, 200 - x, 60 + 2 * y][c])
        }
    }

    /// A checkerboard of 4x4 squares (period 8) in two colours.
    static func checker(_ w: Int, _ h: Int) -> Image8 {
        Image8(width: w, height: h, channels: 3) { x, y, c in
            (x / 4 + y / 4) % 2 == 0 ? [230, 200, 40][c] : [30, 60, 150][c]
        }
    }

    static func box(_ size: Size, _ rect: Rect) -> Mask {
        var mask = Mask(size: size)
        for y in rect.y..<rect.maxY { for x in rect.x..<rect.maxX { mask[x, y] = true } }
        return mask
    }

    static func maxDifference(_ a: Image8, _ b: Image8, inside mask: Mask) -> Int {
        var worst = 0
        for p in 0..<mask.isHole.count where mask.isHole[p] {
            for c in 0..<a.channels {
                worst = max(worst, abs(Int(a.samples[p * a.channels + c]) - Int(b.samples[p * b.channels + c])))
            }
        }
        return worst
    }

    static func psnr(_ a: Image8, _ b: Image8, inside mask: Mask) -> Double {
        var sum = 0.0, n = 0.0
        for p in 0..<mask.isHole.count where mask.isHole[p] {
            for c in 0..<a.channels {
                let d = Double(a.samples[p * a.channels + c]) - Double(b.samples[p * b.channels + c])
                sum += d * d; n += 1
            }
        }
        return sum == 0 ? 99 : 10 * log10(255 * 255 / (sum / n))
    }

    /// Replaces the masked pixels with a loud colour, as an object to remove would.
    static func scribble(_ image: Image8, _ mask: Mask) -> Image8 {
        var out = image
        for p in 0..<mask.isHole.count where mask.isHole[p] {
            for c in 0..<image.colorChannels { out.samples[p * image.channels + c] = c == 0 ? 255 : 0 }
        }
        return out
    }
}

private func message(_ body: () throws -> Void) -> String? {
    do { try body() } catch let error as RetouchError { return error.message } catch { return "\(error)" }
    return nil
}

struct InpaintTests {
    @Test(arguments: ["diffuse", "patch", "auto"])
    func constantHoleIsFilledExactly(engine: String) throws {
        let truth = Fixtures.constant(48, 40, [90, 140, 210])
        let mask = Fixtures.box(truth.size, Rect(x: 14, y: 12, width: 16, height: 14))
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: engine)
        #expect(result.image == truth)
    }

    /// Diffuse and auto continue linear ramps through a hole to within 2 levels.
    @Test(arguments: ["diffuse", "auto"])
    func gradientHoleIsFilledNearlyExactly(engine: String) throws {
        let truth = Fixtures.ramp(64, 64)
        let mask = Fixtures.box(truth.size, Rect(x: 24, y: 20, width: 12, height: 14))
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: engine)
        #expect(Fixtures.maxDifference(result.image, truth, inside: mask) <= 2)
    }

    @Test func blurHintIsExactOnRamps() throws {
        let truth = Fixtures.ramp(64, 64)
        let mask = Fixtures.box(truth.size, Rect(x: 10, y: 30, width: 30, height: 20))
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, hint: .blur)
        #expect(Fixtures.maxDifference(result.image, truth, inside: mask) <= 1)
        #expect(result.regions.map(\.engine) == ["blur"])
    }

    /// A hole in a checkerboard comes back as checkerboard, in phase (PSNR > 30 dB).
    @Test func periodicTextureIsRebuiltByPatch() throws {
        let truth = Fixtures.checker(96, 96)
        let mask = Fixtures.box(truth.size, Rect(x: 37, y: 35, width: 22, height: 20))
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: "patch")
        #expect(Fixtures.psnr(result.image, truth, inside: mask) > 30)
    }

    @Test func sameSeedGivesSameBytesWhateverTheThreads() throws {
        let truth = Fixtures.checker(80, 72)
        var mask = Fixtures.box(truth.size, Rect(x: 10, y: 10, width: 14, height: 12))
        for y in 44..<60 { for x in 50..<66 { mask[x, y] = true } }
        let input = Fixtures.scribble(truth, mask)
        let one = try Inpainter.inpaint(input, mask: mask, engine: "patch", seed: 7, context: OperationContext(threads: 1))
        let again = try Inpainter.inpaint(input, mask: mask, engine: "patch", seed: 7, context: OperationContext(threads: 1))
        let threaded = try Inpainter.inpaint(input, mask: mask, engine: "patch", seed: 7, context: OperationContext(threads: 4))
        #expect(one.image == again.image)
        #expect(one.image == threaded.image)
        _ = try Inpainter.inpaint(input, mask: mask, engine: "patch", seed: 8)
    }

    @Test func colorHintFillsExactlyThatColour() throws {
        let truth = Fixtures.ramp(40, 40)
        let mask = Fixtures.box(truth.size, Rect(x: 10, y: 10, width: 12, height: 8))
        let result = try Inpainter.inpaint(truth, mask: mask, hint: try InpaintHint(parsing: "color=#F0E0D0"))
        for p in 0..<mask.isHole.count where mask.isHole[p] {
            #expect(Array(result.image.samples[(p * 3)..<(p * 3 + 3)]) == [0xF0, 0xE0, 0xD0])
        }
        #expect(result.regions.map(\.engine) == ["color"])
        // The default feather blends a few pixels outside; far away nothing changes.
        #expect(result.image[30, 30, 0] == truth[30, 30, 0])
        #expect(result.image[9, 12, 0] != truth[9, 12, 0])
    }

    /// With a source hint the hole gets the texture of that rectangle (vertical stripes),
    /// not that of its surroundings (horizontal stripes).
    @Test func sourceHintCopiesOnlyFromTheRectangle() throws {
        let stripesAt = Rect(x: 0, y: 0, width: 24, height: 64)
        let image = Image8(width: 96, height: 64, channels: 1) { x, y, _ in
            stripesAt.contains(Rect(x: x, y: y, width: 1, height: 1)) ? (x % 6 < 3 ? 220 : 40) : (y % 6 < 3 ? 200 : 60)
        }
        let mask = Fixtures.box(image.size, Rect(x: 56, y: 20, width: 20, height: 20))
        let result = try Inpainter.inpaint(image, mask: mask, engine: "patch", hint: .source(stripesAt))
        var alongX = 0, alongY = 0
        for y in 22..<38 {
            for x in 58..<74 {
                alongX += abs(Int(result.image[x + 1, y, 0]) - Int(result.image[x, y, 0]))
                alongY += abs(Int(result.image[x, y + 1, 0]) - Int(result.image[x, y, 0]))
            }
        }
        #expect(alongX > 4 * alongY)
        #expect(result.regions.map(\.engine) == ["patch"])
    }

    @Test func sourceHintNeedsAPatchEngineAndUsableRegion() {
        let image = Fixtures.checker(64, 64)
        let mask = Fixtures.box(image.size, Rect(x: 20, y: 20, width: 10, height: 10))
        #expect(message { _ = try Inpainter.inpaint(image, mask: mask, engine: "diffuse", hint: .source(Rect(x: 0, y: 0, width: 16, height: 16))) }?
            .contains("--engine patch") == true)
        #expect(message { _ = try Inpainter.inpaint(image, mask: mask, engine: "patch", hint: .source(Rect(x: 22, y: 22, width: 6, height: 6))) }?
            .contains("no 7x7 patch") == true)
        #expect(message { _ = try Inpainter.inpaint(image, mask: mask, engine: "patch", hint: .source(Rect(x: 100, y: 0, width: 6, height: 6))) }?
            .contains("outside") == true)
    }

    @Test func hintsParseAndUnknownOnesListTheValidOnes() throws {
        #expect(try InpaintHint(parsing: "auto") == .auto)
        #expect(try InpaintHint(parsing: "blur") == .blur)
        #expect(try InpaintHint(parsing: "source=1,2,30,40") == .source(Rect(x: 1, y: 2, width: 30, height: 40)))
        #expect(try InpaintHint(parsing: "color=#0a0B0c") == .color(r: 10, g: 11, b: 12))
        let text = message { _ = try InpaintHint(parsing: "sharpen") }
        #expect(text?.contains("source=x,y,w,h") == true && text?.contains("color=#RRGGBB") == true)
        #expect(message { _ = try InpaintHint(parsing: "color=#12") }?.contains("#RRGGBB") == true)
    }

    @Test func badMasksGiveClearErrors() {
        let image = Fixtures.checker(32, 32)
        #expect(message { _ = try Inpainter.inpaint(image, mask: Mask(size: Size(width: 16, height: 16))) }?
            .contains("--resize-mask") == true)
        let everything = Mask(size: image.size).inverted()
        #expect(message { _ = try Inpainter.inpaint(image, mask: everything) }?.contains("nothing left") == true)
        #expect(message { _ = try Inpainter.inpaint(image, mask: Mask(size: image.size), engine: "magic") }?
            .contains("diffuse, patch, auto") == true)
    }

    @Test func emptyMaskLeavesTheImageAlone() throws {
        let image = Fixtures.checker(32, 32)
        let result = try Inpainter.inpaint(image, mask: Mask(size: image.size))
        #expect(result.image == image)
        #expect(result.regions.isEmpty)
        #expect(result.notes.contains { $0.contains("empty") })
    }

    /// Crops: only masked pixels (grown by dilate and feather) may change, bit for bit.
    @Test(arguments: ["diffuse", "patch", "auto"])
    func pixelsOutsideTheMaskAreUntouched(engine: String) throws {
        let image = Image8(width: 120, height: 90, channels: 3) { x, y, c in UInt8((x * 7 + y * 13 + c * 50) % 256) }
        var mask = Fixtures.box(image.size, Rect(x: 30, y: 30, width: 12, height: 9))
        for x in 70..<110 { mask[x, 70] = true }
        let result = try Inpainter.inpaint(image, mask: mask, engine: engine, dilate: 1, feather: 2)
        let touched = mask.dilated(by: 3)
        for p in 0..<touched.isHole.count where !touched.isHole[p] {
            #expect(result.image.samples[(p * 3)..<(p * 3 + 3)] == image.samples[(p * 3)..<(p * 3 + 3)])
        }
    }

    @Test func alphaAndGrayAreFilled() throws {
        let mask = Fixtures.box(Size(width: 32, height: 32), Rect(x: 10, y: 10, width: 8, height: 8))
        let rgba = Fixtures.constant(32, 32, [10, 20, 30, 255])
        #expect(try Inpainter.inpaint(Fixtures.scribble(rgba, mask), mask: mask, engine: "patch").image == rgba)
        let gray = Fixtures.constant(32, 32, [77])
        #expect(try Inpainter.inpaint(Fixtures.scribble(gray, mask), mask: mask, engine: "diffuse").image == gray)
        let grayAlpha = Fixtures.constant(32, 32, [77, 0])
        #expect(try Inpainter.inpaint(Fixtures.scribble(grayAlpha, mask), mask: mask).image == grayAlpha)
    }

    @Test func autoReportsItsChoicePerRegion() throws {
        var image = Image8(width: 160, height: 120, channels: 3) { x, y, c in
            UInt8(truncatingIfNeeded: (x * 37 + y * 91 + c * 23) * 2654435761 >> 13)
        }
        image = image.map { $0 / 2 + 60 }
        var mask = Mask(size: image.size)
        for x in 10..<150 { mask[x, 8] = true; mask[x, 9] = true }         // a scratch
        for y in 50..<90 { for x in 60..<100 { mask[x, y] = true } }       // an object
        let result = try Inpainter.inpaint(image, mask: mask, engine: "auto")
        #expect(result.regions.count == 2)
        #expect(result.regions[0].engine == "diffuse")
        #expect(result.regions[1].engine == "patch+blur+spectral")
        #expect(result.regions[1].rect == Rect(x: 60, y: 50, width: 40, height: 40))
    }

    /// Holes touching the frame: patches there read replicated edge pixels, never past it.
    /// Diffusion cannot rebuild a checkerboard, so it is only held to a lower bar.
    @Test(arguments: [("diffuse", 6.0), ("patch", 12.0), ("auto", 12.0)])
    func holesAtTheCornerAreFilled(engine: String, minimumPSNR: Double) throws {
        let truth = Fixtures.checker(64, 48)
        var mask = Fixtures.box(truth.size, Rect(x: 0, y: 0, width: 12, height: 10))
        for y in 40..<48 { for x in 50..<64 { mask[x, y] = true } }
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: engine)
        #expect(result.regions.count == 2)
        // The scribble (pure red) is gone and the fill is in the checker's colours.
        for p in 0..<mask.isHole.count where mask.isHole[p] {
            #expect(Array(result.image.samples[(p * 3)..<(p * 3 + 3)]) != [255, 0, 0])
        }
        #expect(Fixtures.psnr(result.image, truth, inside: mask) > minimumPSNR)
    }

    @Test func registryListsTheEngines() {
        #expect(InpaintEngines.registry.names == ["diffuse", "patch", "auto"])
    }
}
