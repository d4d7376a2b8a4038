import RetouchCore

/// Knobs shared by the engines; each engine reads the ones it uses.
public struct InpaintParameters: Sendable, Equatable {
    /// `diffuse`: how far (pixels) each filled pixel looks for known neighbours.
    public var radius: Int
    /// `patch`: side of the square patches compared (odd, at least 3).
    public var patchSize: Int
    /// `patch`: how far around each region (pixels) source patches are sought; nil picks it
    /// from the region's size (its longer side, between 3 patches and 160 pixels).
    public var searchMargin: Int?
    /// `patch`: when not empty, source patches come only from these rectangles (image pixels).
    public var sourceRegions: [Rect]
    /// `patch`: seeds the random search; the same seed gives the same bytes.
    public var seed: UInt64
    /// Pixels over which the fill is blended into the original outside the mask.
    public var feather: Int

    public init(radius: Int = 5, patchSize: Int = 7, searchMargin: Int? = nil, sourceRegions: [Rect] = [],
                seed: UInt64 = 0, feather: Int = 0) {
        self.radius = radius; self.patchSize = patchSize; self.searchMargin = searchMargin
        self.sourceRegions = sourceRegions; self.seed = seed; self.feather = feather
    }

    func validated() throws -> InpaintParameters {
        guard (1...64).contains(radius) else {
            throw RetouchError(.invalidArgument, "the diffuse radius must be 1...64 pixels, not \(radius)")
        }
        guard patchSize >= 3, patchSize <= 31, patchSize % 2 == 1 else {
            throw RetouchError(.invalidArgument, "the patch size must be odd and 3...31, not \(patchSize)")
        }
        if let margin = searchMargin, margin < patchSize {
            throw RetouchError(.invalidArgument, "the search margin (\(margin)) must be at least the patch size (\(patchSize))")
        }
        guard (0...256).contains(feather) else {
            throw RetouchError(.invalidArgument, "feather must be 0...256 pixels, not \(feather)")
        }
        return self
    }
}

/// One connected region of the mask and how it was filled.
public struct InpaintRegion: Sendable, Equatable, Codable {
    /// Bounding box of the region (image pixels).
    public var rect: Rect
    public var pixelCount: Int
    /// The method that filled it: an engine name (`diffuse`, `patch`), a hint (`color`,
    /// `blur`), or `patch+blur+spectral` where `auto` blended them (with the thin plate; see
    /// `BlendedFill`).
    public var engine: String
}

public struct InpaintResult: Sendable {
    public var image: Image8
    public var regions: [InpaintRegion]
    /// Things the user should know (an empty mask, clipped shapes, a fallback taken).
    public var notes: [String]
}

/// A named way to fill masked pixels. A descriptor, like `Upscaler`, so every engine sits
/// in one `Registry` that all front ends read.
public struct InpaintEngine: NamedEntry {
    public let name: String
    public let summary: String
    /// Fills the mask's pixels of an 8-bit image (gray, gray+alpha, RGB or RGBA).
    public let run: @Sendable (Image8, Mask, InpaintParameters, OperationContext) throws -> InpaintResult

    public init(name: String, summary: String,
                run: @escaping @Sendable (Image8, Mask, InpaintParameters, OperationContext) throws -> InpaintResult) {
        self.name = name; self.summary = summary; self.run = run
    }
}

public enum InpaintEngines {
    public static let registry = Registry<InpaintEngine>(kind: "inpainting engine", [diffuse, patch, auto])

    public static let diffuse = InpaintEngine(
        name: "diffuse",
        summary: "fast-marching fill (Telea 2004); for thin strokes, scratches and small holes") { image, mask, p, context in
        try RegionDriver(parameters: p, context: context).fill(image, mask: mask) { _ in .diffuse }
    }

    public static let patch = InpaintEngine(
        name: "patch",
        summary: "exemplar fill (multi-scale PatchMatch with EM voting); rebuilds texture in larger holes") { image, mask, p, context in
        try RegionDriver(parameters: p, context: context).fill(image, mask: mask) { _ in .patch }
    }

    public static let auto = InpaintEngine(
        name: "auto",
        summary: "per region: diffuse for thin strokes, blur for smooth surroundings, elsewhere a mean of blur, thin-plate, patch and spectral fills weighted by depth in the hole") { image, mask, p, context in
        try RegionDriver(parameters: p, context: context).fill(image, mask: mask) { region in
            p.sourceRegions.isEmpty ? AutoChoice.choose(region) : .patch
        }
    }
}
