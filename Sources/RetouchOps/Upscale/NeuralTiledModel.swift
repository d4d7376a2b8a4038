import RetouchCore
import RetouchInference

/// Runs one super-resolution model over an RGB image of any size, tile by tile: each tile
/// reads `overlap` pixels of context around its own area (plus the model's own padding,
/// taken from the whole image so tiles see exactly what an untiled run would), and tiles
/// cross-fade over `blend` pixels. Memory grows with the tile, not the image.
struct NeuralTiledModel: Sendable {
    let spec: ModelSpec
    let session: InferenceSession
    let tileSize: Int

    init(spec: ModelSpec, session: InferenceSession, tileSize: Int? = nil) {
        self.spec = spec
        self.session = session
        self.tileSize = tileSize ?? spec.tileSize
    }

    func tileCount(for size: Size) -> Int {
        TileGrid(size: size, tileSize: tileSize, overlap: spec.overlap).count
    }

    /// Upscales a 3-channel buffer by `spec.scale`. `progress` is told after each tile.
    func upscale<S: PixelSample>(_ image: PixelBuffer<S>, context: OperationContext,
                                 progress: (Int) -> Void) throws -> PixelBuffer<S> {
        precondition(image.channels == 3, "models take RGB")
        let s = spec.scale
        let grid = TileGrid(size: image.size, tileSize: tileSize, overlap: spec.overlap)
        var output = PixelBuffer<S>(width: image.width * s, height: image.height * s, channels: 3)
        var band = NeuralBandAccumulator(width: output.width, channels: 3)
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                try context.checkCancelled()
                let tile = grid.tile(row * grid.columns + column)
                try addTile(tile, of: image, to: &band)
                progress(tile.index + 1)
            }
            // Rows above the next tile row's blend zone can no longer change.
            let done = row + 1 < grid.rows
                ? (grid.tile((row + 1) * grid.columns).core.y - spec.blend) * s
                : output.height
            band.flush(upTo: done, into: &output)
        }
        return output
    }

    private func addTile<S: PixelSample>(_ tile: Tile, of image: PixelBuffer<S>,
                                         to band: inout NeuralBandAccumulator) throws {
        let s = spec.scale, pad = spec.padding.pixels
        let region = Rect(x: tile.padded.x - pad, y: tile.padded.y - pad,
                          width: tile.padded.width + 2 * pad, height: tile.padded.height + 2 * pad)
        let input = try Tensor(shape: [1, 3, region.height, region.width],
                               values: planes(of: image, region: region, mode: spec.padding.mode))
        guard let result = try session.run([spec.inputName: input], outputs: [spec.outputName])[spec.outputName] else {
            throw RetouchError(.inference, "\(spec.name) returned no '\(spec.outputName)'")
        }
        let want = Size(width: tile.padded.width * s, height: tile.padded.height * s)
        guard result.shape.count == 4, result.shape[0] == 1, result.shape[1] == 3,
              result.shape[2] >= want.height, result.shape[3] >= want.width,
              (result.shape[2] - want.height) % 2 == 0, (result.shape[3] - want.width) % 2 == 0 else {
            throw RetouchError(.inference, "\(spec.name) returned shape \(result.shape) for input \(input.shape); "
                               + "expected [1, 3, \(want.height)+, \(want.width)+]: the catalog's padding does not fit this model")
        }
        let (h, w) = (result.shape[2], result.shape[3])
        band.add(planes: result.values, planeWidth: w, planeHeight: h,
                 offset: ((w - want.width) / 2, (h - want.height) / 2), size: want,
                 origin: (tile.padded.x * s, tile.padded.y * s),
                 core: Rect(x: tile.core.x * s, y: tile.core.y * s, width: tile.core.width * s, height: tile.core.height * s),
                 ramp: spec.blend * s)
    }

    /// The pixels of `region` (which may reach outside the image; those are made up by
    /// `mode`) as normalised RGB planes, the layout the models take.
    private func planes<S: PixelSample>(of image: PixelBuffer<S>, region: Rect, mode: PadMode) -> [Float] {
        let plane = region.width * region.height
        var out = [Float](repeating: 0, count: 3 * plane)
        let xs = (0..<region.width).map { padSource(region.x + $0, image.width, mode) }
        let scale = 1 / S.maxValue.floatValue
        image.samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<region.height {
                    guard let sy = padSource(region.y + y, image.height, mode) else { continue }
                    let row = sy * image.width
                    for x in 0..<region.width {
                        guard let sx = xs[x] else { continue }
                        let s = (row + sx) * 3, d = y * region.width + x
                        dst[d] = src[s].floatValue * scale
                        dst[plane + d] = src[s + 1].floatValue * scale
                        dst[2 * plane + d] = src[s + 2].floatValue * scale
                    }
                }
            }
        }
        return out
    }
}
