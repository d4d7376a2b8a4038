import Testing
import RetouchCore
@testable import RetouchOps

/// A stand-in detector network that sees text everywhere (or nowhere), so the detector's
/// resizing, post-processing and mask building meet degenerate shapes at full strength.
private struct UniformModel: ProbabilityMapModel {
    let probability: Float
    func run(input: [Float], height: Int, width: Int) throws -> [Float] {
        [Float](repeating: probability, count: width * height)
    }
}

private func retouchError(_ body: () throws -> Void) -> RetouchError? {
    do { try body() } catch let error as RetouchError { return error } catch { Issue.record("not a RetouchError: \(error)") }
    return nil
}

/// Images and masks at the edges of what makes sense: a single pixel, a 30000-pixel line,
/// masks that cover all or nothing, and shapes with absurd coordinates.
@Suite struct HostileShapeTests {
    static let line = Image8(width: 30_000, height: 1, channels: 3) { x, _, c in UInt8((x / 5 + c * 70) % 256) }
    static let column = Image8(width: 1, height: 30_000, channels: 3) { _, y, c in UInt8((y / 3 + c * 40) % 256) }
    static let pixel = Image8(width: 1, height: 1, channels: 3) { _, _, c in [10, 120, 250][c] }

    @Test(arguments: ResampleFilter.allCases)
    func degenerateShapesResize(filter: ResampleFilter) {
        for image in [Self.line, Self.column, Self.pixel] {
            // (height, width) turns the line into a column and back: a heavy shrink on one axis
            // into a wide output, which once made SeparableResize's ring gigabytes.
            let targets = [(image.width * 2, image.height * 2), (max(1, image.width / 3), max(1, image.height / 3)), (1, 1),
                           (image.height, image.width)]
            for (w, h) in targets {
                let out = Resampler.resize(image, width: w, height: h, filter: filter, threads: 1)
                #expect(out.size == Size(width: w, height: h) && out.samples.count == w * h * 3)
            }
        }
        // Every filter reproduces a single pixel's colour when enlarging it.
        let grown = Resampler.resize(Self.pixel, width: 5, height: 3, filter: filter, threads: 1)
        #expect(Set(stride(from: 0, to: grown.samples.count, by: 3).map { grown.samples[$0] }) == [10])
    }

    @Test(arguments: ["diffuse", "patch", "auto"])
    func linesAreInpainted(engine: String) throws {
        for image in [Self.line, Self.column] {
            var mask = Mask(size: image.size)
            for i in 14_000..<14_040 { if image.width > 1 { mask[i, 0] = true } else { mask[0, i] = true } }
            let result = try Inpainter.inpaint(image, mask: mask, engine: engine, dilate: 2)
            #expect(result.image.size == image.size)
        }
    }

    @Test func aOneByOneImageCannotBeFilledFromNothing() throws {
        let everything = Mask(size: Self.pixel.size).inverted()
        let refusal = retouchError { _ = try Inpainter.inpaint(Self.pixel, mask: everything) }
        #expect(refusal?.message.contains("nothing left") == true)
        #expect(try Inpainter.inpaint(Self.pixel, mask: Mask(size: Self.pixel.size)).image == Self.pixel)
    }

    @Test func detectionCopesWithLinesAndSinglePixels() throws {
        for probability: Float in [0.95, 0] {
            let detector = TextDetector(model: UniformModel(probability: probability))
            for image in [Self.line, Self.column, Self.pixel] {
                let detection = try detector.detect(image)
                let mask = try TextMaskBuilder().mask(for: detection.regions, in: image)
                #expect(mask.mask.size == image.size)
                if probability == 0 { #expect(detection.regions.isEmpty) }
            }
        }
    }

    // MARK: masks

    @Test func allWhiteAndAllBlackMaskImages() throws {
        let image = Image8(width: 24, height: 16, channels: 3) { x, y, c in UInt8((x * 9 + y * 5 + c * 30) % 256) }
        for channels in [1, 3, 4] {
            let white = try Mask(image: Image8(width: 24, height: 16, channels: channels, fill: 255))
            let black = try Mask(image: Image8(width: 24, height: 16, channels: channels) { _, _, c in c == 3 ? 255 : 0 })
            #expect(white.isFull && black.isEmpty)
            // All white removes everything: nothing is left to fill from, said plainly.
            #expect(retouchError { _ = try Inpainter.inpaint(image, mask: white) }?.message.contains("nothing left") == true)
            // All black removes nothing: the image comes back as it was.
            #expect(try Inpainter.inpaint(image, mask: black).image == image)
        }
    }

    @Test func aMaskOfAnotherSizeIsRefusedOrResizedAsAsked() throws {
        let small = try Mask(image: Image8(width: 6, height: 4, channels: 1) { x, _, _ in x >= 3 ? 255 : 0 })
        let refusal = retouchError { _ = try small.fitted(to: Size(width: 60, height: 40), resize: false) }
        #expect(refusal?.message.contains("6x4") == true && refusal?.message.contains("60x40") == true)
        let fitted = try small.fitted(to: Size(width: 60, height: 40), resize: true)
        #expect(fitted.size == Size(width: 60, height: 40))
        #expect(fitted.holeCount == 30 * 40)
        // Down to a single pixel and out to a line.
        #expect(try small.fitted(to: Size(width: 1, height: 1), resize: true).size == Size(width: 1, height: 1))
        #expect(try small.fitted(to: Size(width: 30_000, height: 1), resize: true).holeCount == 15_000)
    }

    // MARK: shapes with absurd coordinates

    @Test(arguments: [
        #"[{"box": [1e300, 0, 10, 10]}]"#,
        #"[{"box": [9223372036854775807, 0, 10, 10]}]"#,
        #"[{"box": [0, 0, 9223372036854775807, 9223372036854775807]}]"#,
        #"[{"box": [-9223372036854775808, 0, 10, 10]}]"#,
        #"[{"polygon": [[1e300, 0], [0, 1e300], [5, 5]]}]"#,
        #"[{"polygon": [[-1e19, 0], [10, 0], [5, 5]]}]"#,
    ])
    func regionsWithAbsurdCoordinatesAreRefused(json: String) {
        let refusal = retouchError {
            _ = try Mask.drawing(try MaskShape.regions(json: Array(json.utf8)), size: Size(width: 64, height: 48))
        }
        #expect(refusal?.code == .invalidArgument)
        #expect(refusal?.message.contains("coordinates") == true, "\(String(describing: refusal))")
    }

    @Test(arguments: ["9223372036854775807,0,10,10", "0,0,9223372036854775807,1", "-9223372036854775808,-5,10,10"])
    func boxTextWithAbsurdCoordinatesIsRefused(text: String) {
        let refusal = retouchError {
            _ = try Mask.drawing([try MaskShape.box(parsing: text)], size: Size(width: 64, height: 48))
        }
        #expect(refusal?.message.contains("coordinates") == true, "\(String(describing: refusal))")
    }

    @Test func shapesBuiltInCodeWithAbsurdCoordinatesAreRefusedWhenDrawn() {
        let shapes: [MaskShape] = [.box(Rect(x: Int.max - 5, y: 0, width: 10, height: 10)),
                                   .polygon([(x: 0, y: 0), (x: .greatestFiniteMagnitude, y: 0), (x: 0, y: 5)]),
                                   .polygon([(x: 0, y: 0), (x: .nan, y: 3), (x: 4, y: 4)])]
        for shape in shapes {
            let refusal = retouchError { _ = try Mask.drawing([shape], size: Size(width: 64, height: 48)) }
            #expect(refusal?.message.contains("coordinates") == true, "\(shape.label): \(String(describing: refusal))")
        }
    }
}
