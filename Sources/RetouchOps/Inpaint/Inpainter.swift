import RetouchCore

/// The one entry point front ends call to remove masked content from an image.
public enum Inpainter {
    /// Fills the pixels `mask` marks (white = remove) in `image`.
    ///
    /// - Parameters:
    ///   - engine: a name from `InpaintEngines.registry` (`diffuse`, `patch`, `auto`).
    ///   - hint: deterministic steering (see `InpaintHint`); `color` and `blur` replace the engine.
    ///   - dilate: grows the mask by this many pixels first, so the fringe of the removed
    ///     object (anti-aliasing, halos) goes too.
    ///   - feather: blends the fill into the original over this many pixels outside the mask.
    ///   - seed: seeds the `patch` engine's random search; the same seed gives the same bytes.
    /// - Returns: the filled image, the regions and the method each used. An empty mask
    ///   returns the image unchanged with a note saying so. Alpha is filled like colour, so a
    ///   hole in an opaque area comes out opaque.
    public static func inpaint(_ image: Image8, mask: Mask, engine: String = "auto", hint: InpaintHint = .auto,
                               dilate: Int = 0, feather: Int = 0, seed: UInt64 = 0,
                               parameters: InpaintParameters = InpaintParameters(),
                               context: OperationContext = .init()) throws -> InpaintResult {
        let chosen = try InpaintEngines.registry.lookup(engine)
        guard (0...256).contains(dilate) else {
            throw RetouchError(.invalidArgument, "dilate must be 0...256 pixels, not \(dilate)")
        }
        try RegionDriver.check(image, mask)
        let grown = mask.dilated(by: dilate)
        var p = parameters
        p.seed = seed
        p.feather = feather
        switch hint {
        case .auto:
            return try chosen.run(image, grown, p, context)
        case .source(let rect):
            guard chosen.name != InpaintEngines.diffuse.name else {
                throw RetouchError(.invalidArgument, "the source hint steers the patch engine; use --engine patch or auto")
            }
            let clipped = rect.intersection(Rect(size: image.size))
            guard !clipped.isEmpty else {
                throw RetouchError(.invalidArgument, "the source region \(rect.x),\(rect.y),\(rect.width),\(rect.height) lies outside the \(image.size) image")
            }
            p.sourceRegions = [clipped]
            return try chosen.run(image, grown, p, context)
        case .color(let r, let g, let b):
            if feather == 0 { p.feather = 3 }
            return try RegionDriver(parameters: p, context: context).fill(image, mask: grown) { _ in .flat(r: r, g: g, b: b) }
        case .blur:
            return try RegionDriver(parameters: p, context: context).fill(image, mask: grown) { _ in .harmonic }
        }
    }
}
