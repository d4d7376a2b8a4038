import Foundation
import Testing
@testable import RetouchCore
@testable import RetouchOps

/// `auto`'s blended fill and the spectral fill inside it.
struct InpaintBlendTests {
    /// Diagonal stripes (a plane wave) crossing a stroke: the spectral fill continues them
    /// in phase (periods that do not divide the window leak a little, so 25 dB, not exact),
    /// which a membrane cannot.
    @Test func spectralFillContinuesAPlaneWave() throws {
        let truth = Image8(width: 64, height: 64, channels: 3) { x, y, c in
            let phase = 2 * Double.pi * (Double(x) / 9 + Double(y) / 13)
            return UInt8((128 + 80 * Foundation.sin(phase) + Double(c * 10)).rounded())
        }
        let mask = Fixtures.box(truth.size, Rect(x: 4, y: 26, width: 56, height: 10))
        var canvas = FillCanvas(image: Fixtures.scribble(truth, mask), rect: Rect(size: truth.size),
                                state: mask.isHole.map { $0 ? .fill : .known })
        var membrane = canvas
        HarmonicFill().run(&membrane)
        SpectralFill().run(&canvas)
        let spectral = Fixtures.psnr(canvas.image8, truth, inside: mask)
        #expect(spectral > 25)
        #expect(spectral > Fixtures.psnr(membrane.image8, truth, inside: mask) + 10)
    }

    /// A bowl (a quadratic surface) is in the thin plate's null space, so it comes back to
    /// within rounding, while the membrane, which has no curvature to give, sags by more.
    @Test func thinPlateContinuesACurvedSurface() throws {
        let truth = Image8(width: 64, height: 64, channels: 1) { x, y, _ in
            UInt8((60 + 0.1 * Double((x - 32) * (x - 32)) + 0.06 * Double((y - 30) * (y - 30))).rounded())
        }
        let mask = Fixtures.box(truth.size, Rect(x: 20, y: 18, width: 24, height: 24))
        var membrane = FillCanvas(image: Fixtures.scribble(truth, mask), rect: Rect(size: truth.size),
                                  state: mask.isHole.map { $0 ? .fill : .known })
        HarmonicFill().run(&membrane)
        var plate = membrane
        BiharmonicFill().refine(&plate)
        #expect(Fixtures.maxDifference(plate.image8, truth, inside: mask) <= 2)
        #expect(Fixtures.maxDifference(membrane.image8, truth, inside: mask) > 6)
    }

    /// Flat colour survives the spectral fill's luma/chroma round trip exactly, for RGB and
    /// for gray with alpha.
    @Test(arguments: [[90, 140, 210], [77, 200]] as [[UInt8]])
    func spectralFillKeepsFlatColour(colour: [UInt8]) throws {
        let truth = Fixtures.constant(48, 40, colour)
        let mask = Fixtures.box(truth.size, Rect(x: 10, y: 9, width: 26, height: 20))
        var canvas = FillCanvas(image: Fixtures.scribble(truth, mask), rect: Rect(size: truth.size),
                                state: mask.isHole.map { $0 ? .fill : .known })
        SpectralFill().run(&canvas)
        #expect(canvas.image8 == truth)
    }

    /// The blend's weights sum to 1 at every depth (so flat colour and ramps stay exact), and
    /// the spectral fill leads at the edge while the smooth fills lead deep inside.
    @Test func blendWeightsAreAConvexishMixByDepth() {
        for depth in stride(from: Float(0), through: 80, by: 0.5) {
            let w = BlendedFill.weights(at: depth)
            #expect(abs(w.membrane + w.thinPlate + w.patch + w.spectral - 1) < 1e-5)
        }
        let edge = BlendedFill.weights(at: 1), deep = BlendedFill.weights(at: 40)
        #expect(edge.spectral > edge.membrane + edge.thinPlate)
        #expect(deep.membrane + deep.thinPlate > 0.6)
    }

    /// A wide stroke across a high-contrast edge: neither side's colour may spread into the
    /// other (the dark smear), for the patch engine or auto's blend.
    @Test(arguments: ["patch", "auto"])
    func wideStrokeAcrossAnEdgeKeepsBothSides(engine: String) throws {
        let bright: [UInt8] = [225, 222, 215], dark: [UInt8] = [35, 30, 40]
        func isBright(_ x: Int, _ y: Int) -> Bool { 4 * x > 2 * 96 + (y - 60) }
        let truth = Image8(width: 192, height: 120, channels: 3) { x, y, c in
            let noise = UInt8(truncatingIfNeeded: (x * 37 + y * 91 + c * 23) * 2654435761 >> 13) % 9
            return (isBright(x, y) ? bright[c] : dark[c]) &+ noise
        }
        var mask = Mask(size: truth.size)
        for y in 44..<76 { for x in 12..<180 { mask[x, y] = true } }
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: engine)
        var wrong = 0, total = 0
        for y in 44..<76 {
            for x in 12..<180 where abs(4 * x - 2 * 96 - (y - 60)) > 24 {
                let s = result.image.index(x, y)
                let luma = (Int(result.image.samples[s]) + Int(result.image.samples[s + 1]) + Int(result.image.samples[s + 2])) / 3
                if (luma >= 128) != isBright(x, y) { wrong += 1 }
                total += 1
            }
        }
        #expect(Double(wrong) / Double(total) < 0.01)
    }

    /// An exact repeat (a checkerboard) is copied whole by auto, not averaged with smooth fills.
    @Test func autoKeepsExactRepeatsWhole() throws {
        let truth = Fixtures.checker(96, 96)
        let mask = Fixtures.box(truth.size, Rect(x: 37, y: 35, width: 22, height: 20))
        let result = try Inpainter.inpaint(Fixtures.scribble(truth, mask), mask: mask, engine: "auto")
        #expect(result.regions.map(\.engine) == ["patch+blur+spectral"])
        #expect(Fixtures.psnr(result.image, truth, inside: mask) > 30)
    }
}

extension FillCanvas {
    /// The canvas as an 8-bit image, rounded and clamped.
    var image8: Image8 {
        Image8(width: width, height: height, channels: channels,
               samples: samples.map { UInt8(Swift.max(0, Swift.min(255, $0.rounded()))) })
    }
}
