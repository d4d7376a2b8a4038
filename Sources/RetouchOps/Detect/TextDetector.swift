import RetouchCore

/// Finds text in an image with a DB probability-map model.
///
/// Sizing: the whole image is run once with its long side scaled to at most `maxSide` (and
/// small images enlarged to `minSide`), sides rounded to multiples of 32. When that pass
/// shrinks the image by more than `1 / fineScale` (long side above 1920 px with the defaults),
/// small text would fall below what the network resolves, so a second pass runs at
/// `fineScale` in overlapping `tileSize` tiles; the two maps are merged by taking the larger
/// probability per pixel before post-processing, so a line seen by either pass is kept and no
/// duplicate boxes need reconciling.
public struct TextDetector: Sendable {
    public struct Options: Sendable, Equatable {
        /// Longest side of the whole-image pass.
        public var maxSide = 960
        /// Images whose long side is smaller are enlarged to this first.
        public var minSide = 512
        /// Scale of the tiled pass for large images; 0 turns it off.
        public var fineScale = 0.5
        /// Core size of the tiles of that pass (a multiple of 32 works best).
        public var tileSize = 768
        /// Context around each tile, so text cut by a tile edge is seen whole by a neighbour.
        public var tileOverlap = 64
        public var postProcessing = DBPostProcessing()

        public init() {}
    }

    public let model: any ProbabilityMapModel
    public var options: Options

    public init(model: any ProbabilityMapModel, options: Options = Options()) {
        self.model = model
        self.options = options
    }

    /// Regions in image pixels, plus the merged probability map they came from.
    public func detect(_ image: Image8, context: OperationContext = OperationContext()) throws -> TextDetection {
        guard image.width > 0, image.height > 0 else {
            throw RetouchError(.invalidArgument, "cannot detect text in an empty image (\(image.size))")
        }
        guard options.maxSide >= 32, options.minSide >= 32, options.tileSize >= 32, options.tileOverlap >= 0,
              options.fineScale >= 0, options.fineScale <= 1 else {
            throw RetouchError(.invalidArgument,
                               "detector sizes must be at least 32 px and the fine scale within [0, 1]")
        }
        let rgb = normalisedRGB(image)
        var map = try wholeImageMap(rgb)
        let coarseScale = Double(map.width) / Double(image.width)
        if options.fineScale > 0 && coarseScale < options.fineScale {
            try context.checkCancelled()
            let fine = try tiledMap(rgb, scale: options.fineScale, context: context)
            map = maximum(fine, upsampled(map, width: fine.width, height: fine.height))
        }
        let regions = try options.postProcessing.regions(in: map, imageSize: image.size)
        return TextDetection(imageSize: image.size, regions: regions, map: map)
    }

    /// Network input size for the whole-image pass.
    func wholeImageSize(for size: Size) -> Size {
        let long = Double(max(size.width, size.height))
        var scale = 1.0
        if long > Double(options.maxSide) { scale = Double(options.maxSide) / long }
        if long < Double(options.minSide) { scale = Double(options.minSide) / long }
        return Size(width: multipleOf32(Double(size.width) * scale), height: multipleOf32(Double(size.height) * scale))
    }

    private func wholeImageMap(_ rgb: ImageF) throws -> ProbabilityMap {
        let size = wholeImageSize(for: rgb.size)
        return try runModel(on: resizeLinear(rgb, width: size.width, height: size.height))
    }

    /// The image at `scale`, cut into tiles with overlap; each map pixel is taken from the tile
    /// that owns it, so tile borders (where the network lacks context) never decide.
    private func tiledMap(_ rgb: ImageF, scale: Double, context: OperationContext) throws -> ProbabilityMap {
        let width = max(32, Int((Double(rgb.width) * scale).rounded()))
        let height = max(32, Int((Double(rgb.height) * scale).rounded()))
        let scaled = resizeLinear(rgb, width: width, height: height)
        var map = ProbabilityMap(width: width, height: height)
        let grid = TileGrid(size: scaled.size, tileSize: options.tileSize, overlap: options.tileOverlap)
        for tile in grid {
            try context.checkCancelled()
            // Pad the crop to multiples of 32 with reflected pixels rather than resizing it.
            let crop = scaled.cropped(to: tile.padded)
            let padRight = multipleOf32Up(crop.width) - crop.width, padBottom = multipleOf32Up(crop.height) - crop.height
            let input = crop.padded(EdgeInsets(top: 0, left: 0, bottom: padBottom, right: padRight), mode: .reflect)
            let tileMap = try runModel(on: input)
            for y in tile.core.y..<tile.core.maxY {
                for x in tile.core.x..<tile.core.maxX {
                    map[x, y] = tileMap[x - tile.padded.x, y - tile.padded.y]
                }
            }
            context.progress(tile.index + 1, grid.count)
        }
        return map
    }

    private func runModel(on rgb: ImageF) throws -> ProbabilityMap {
        let input = bgrPlanes(rgb)
        let output = try model.run(input: input, height: rgb.height, width: rgb.width)
        guard output.count == rgb.width * rgb.height else {
            throw RetouchError(.inference,
                               "text detector returned \(output.count) values for a \(rgb.width)x\(rgb.height) input; expected one per pixel")
        }
        return try ProbabilityMap(width: rgb.width, height: rgb.height, values: output)
    }
}

/// What the detector found in one image.
public struct TextDetection: Sendable {
    public var imageSize: Size
    public var regions: [TextRegion]
    /// The probability map the regions were read from (at detector resolution).
    public var map: ProbabilityMap
}

/// RGB in [0, 1]; alpha is composited over white, since text is judged as it would be seen.
func normalisedRGB(_ image: Image8) -> ImageF {
    let float = image.normalisedFloat()
    guard image.hasAlpha else { return image.channels == 3 ? float : float.converted(toChannels: 3) }
    let colour = float.converted(toChannels: image.channels == 2 ? 2 : 4)
    return ImageF(width: image.width, height: image.height, channels: 3) { x, y, c in
        let alpha = colour[x, y, colour.channels - 1]
        let value = colour[x, y, colour.channels == 2 ? 0 : c]
        return value * alpha + (1 - alpha)
    }
}

/// Planar blue, green, red scaled to [-1, 1], the layout and normalisation PP-OCR was trained with.
func bgrPlanes(_ rgb: ImageF) -> [Float] {
    let n = rgb.pixelCount
    var out = [Float](repeating: 0, count: 3 * n)
    rgb.samples.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for p in 0..<n {
                dst[p] = src[3 * p + 2] * 2 - 1
                dst[n + p] = src[3 * p + 1] * 2 - 1
                dst[2 * n + p] = src[3 * p] * 2 - 1
            }
        }
    }
    return out
}

func multipleOf32(_ v: Double) -> Int { max(32, Int((v / 32).rounded()) * 32) }
func multipleOf32Up(_ v: Int) -> Int { max(32, (v + 31) / 32 * 32) }

/// A map resampled to another size (bilinear), for merging passes run at different scales.
func upsampled(_ map: ProbabilityMap, width: Int, height: Int) -> ProbabilityMap {
    let plane = ImageF(width: map.width, height: map.height, channels: 1, samples: map.values)
    let resized = resizeLinear(plane, width: width, height: height)
    return ProbabilityMap(uncheckedWidth: width, height: height, values: resized.samples)
}

func maximum(_ a: ProbabilityMap, _ b: ProbabilityMap) -> ProbabilityMap {
    var out = a
    for i in out.values.indices { out.values[i] = max(a.values[i], b.values[i]) }
    return out
}
