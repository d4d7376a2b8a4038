import Foundation
import RetouchCore

/// How one region is filled.
enum FillMethod: Sendable, Equatable {
    case diffuse, patch, harmonic
    /// A weighted mean of the patch, membrane, thin-plate and spectral fills (`BlendedFill`).
    case blended
    case flat(r: UInt8, g: UInt8, b: UInt8)

    /// The name reported to the user (an engine or a hint).
    var name: String {
        switch self {
        case .diffuse: "diffuse"; case .patch: "patch"; case .harmonic: "blur"; case .blended: "patch+blur+spectral"
        case .flat: "color"
        }
    }

    /// Order of the passes: cheap, context-free fills first, so later passes can use them.
    var pass: Int {
        switch self { case .flat: 0; case .harmonic: 1; case .diffuse: 2; case .patch, .blended: 3 }
    }

    var usesPatches: Bool { self == .patch || self == .blended }
}

/// What a method chooser sees of a region.
struct RegionView {
    let image: Image8
    let labels: MaskLabels
    let component: MaskComponent
}

/// Fills a mask region by region, each on a crop around it (the region plus the context its
/// method needs), so a small mask on a large photo costs little. Regions whose crops overlap
/// are filled together; separate ones run in parallel. Pixels outside the fill (the mask,
/// grown by the feather width) are never written.
struct RegionDriver {
    let parameters: InpaintParameters
    let context: OperationContext

    func fill(_ image: Image8, mask: Mask, choose: (RegionView) -> FillMethod) throws -> InpaintResult {
        let p = try parameters.validated()
        try Self.check(image, mask)
        if mask.isEmpty {
            return InpaintResult(image: image, regions: [], notes: ["the mask is empty; the image is unchanged"])
        }
        let fillMask = p.feather > 0 ? mask.dilated(by: p.feather) : mask
        guard !fillMask.isFull else {
            throw RetouchError(.invalidArgument,
                               "the mask grown by the feather (\(p.feather) px) covers the whole image; use a smaller --feather")
        }
        let labels = fillMask.components()
        let methods = labels.components.map { choose(RegionView(image: image, labels: labels, component: $0)) }
        var out = image
        var pending = [Bool](repeating: true, count: labels.components.count + 1)
        pending[0] = false
        var used = methods.map(\.name)
        var notes = [String]()
        let passes = Set(methods.map(\.pass)).sorted()
        var done = 0
        let total = labels.components.count
        for pass in passes {
            let members = labels.components.indices.filter { methods[$0].pass == pass }
            let clusters = Self.clusters(members.map { labels.components[$0] }, margins: members.map { margin(methods[$0], labels.components[$0]) },
                                         size: image.size).map { $0.map { members[$0] } }
            let snapshot = out, pendingNow = pending
            let jobs = clusters.enumerated().map { index, cluster in
                ClusterJob(index: index, members: cluster, method: methods[cluster[0]],
                           rect: cropRect(cluster.map { labels.components[$0] }, methods[cluster[0]], image.size))
            }
            let results = try runInParallel(jobs) { job in
                try job.run(snapshot, labels, pendingNow, p, context)
            }
            for (job, result) in zip(jobs, results) {
                paste(result.canvas, into: &out, at: job.rect, original: image, mask: mask, feather: p.feather)
                for m in job.members {
                    pending[labels.components[m].label] = false
                    if let fallback = result.fallback { used[m] = fallback.name }
                }
                if let note = result.note { notes.append(note) }
                done += job.members.count
                context.progress(done, total)
            }
        }
        let regions = labels.components.indices.map { i in
            InpaintRegion(rect: labels.components[i].boundingBox, pixelCount: labels.components[i].pixelCount,
                          engine: used[i])
        }
        return InpaintResult(image: out, regions: regions, notes: notes)
    }

    static func check(_ image: Image8, _ mask: Mask) throws {
        guard image.width > 0, image.height > 0 else {
            throw RetouchError(.invalidArgument, "the image is empty (\(image.size))")
        }
        guard mask.size == image.size else {
            throw RetouchError(.invalidArgument,
                               "the mask is \(mask.size) but the image is \(image.size); "
                               + "pass --resize-mask to resize it (nearest neighbour)")
        }
        guard !mask.isFull else {
            throw RetouchError(.invalidArgument,
                               "the mask covers the whole image, so there is nothing left to take texture from; "
                               + "check the mask (white = remove) or pass --invert-mask")
        }
    }

    /// Context a method needs around a region.
    private func margin(_ method: FillMethod, _ component: MaskComponent) -> Int {
        switch method {
        case .flat, .harmonic: return 1
        case .diffuse: return parameters.radius + 1
        case .patch, .blended:
            if let margin = parameters.searchMargin { return margin }
            let side = Swift.max(component.boundingBox.width, component.boundingBox.height)
            return Swift.min(160, Swift.max(3 * parameters.patchSize, side))
        }
    }

    private func cropRect(_ members: [MaskComponent], _ method: FillMethod, _ size: Size) -> Rect {
        var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
        for c in members {
            let m = margin(method, c), b = c.boundingBox
            x0 = Swift.min(x0, b.x - m); y0 = Swift.min(y0, b.y - m)
            x1 = Swift.max(x1, b.maxX + m); y1 = Swift.max(y1, b.maxY + m)
        }
        if method.usesPatches {
            for r in parameters.sourceRegions {
                x0 = Swift.min(x0, r.x); y0 = Swift.min(y0, r.y)
                x1 = Swift.max(x1, r.maxX); y1 = Swift.max(y1, r.maxY)
            }
        }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(Rect(size: size))
    }

    /// Groups regions whose grown boxes may overlap, on a coarse grid so thousands of tiny
    /// regions (a scratch pattern) cost linear time. Sharing a cell merges, which can only
    /// merge more than needed, never less.
    static func clusters(_ components: [MaskComponent], margins: [Int], size: Size) -> [[Int]] {
        let cell = 32
        let columns = (size.width + cell - 1) / cell, rows = (size.height + cell - 1) / cell
        var parent = Array(components.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        var owner = [Int](repeating: -1, count: columns * rows)
        for (i, c) in components.enumerated() {
            let b = c.boundingBox, m = margins[i]
            let cx0 = Swift.max(0, (b.x - m) / cell), cy0 = Swift.max(0, (b.y - m) / cell)
            let cx1 = Swift.min(columns - 1, (b.maxX + m - 1) / cell), cy1 = Swift.min(rows - 1, (b.maxY + m - 1) / cell)
            guard cx0 <= cx1, cy0 <= cy1 else { continue }
            for cy in cy0...cy1 {
                for cx in cx0...cx1 {
                    let o = owner[cy * columns + cx]
                    if o >= 0 { parent[root(i)] = root(o) }
                    owner[cy * columns + cx] = i
                }
            }
        }
        var groups = [Int: [Int]]()
        for i in components.indices { groups[root(i), default: []].append(i) }
        return groups.values.sorted { $0[0] < $1[0] }
    }

    /// Blends the filled crop into `out`: fully inside the mask, by the feather weight in the
    /// band around it.
    private func paste(_ canvas: FillCanvas, into out: inout Image8, at rect: Rect, original: Image8,
                       mask: Mask, feather: Int) {
        let weights = feather > 0 ? mask.cropped(to: rect).featherWeights(radius: feather) : nil
        let ch = canvas.channels, w = out.width
        out.samples.withUnsafeMutableBufferPointer { dst in
            for y in 0..<rect.height {
                for x in 0..<rect.width where canvas.state[y * rect.width + x] == .fill {
                    let p = y * rect.width + x, d = ((rect.y + y) * w + rect.x + x) * ch
                    let a = weights?[p] ?? 1
                    for c in 0..<ch {
                        let v = a * canvas.samples[p * ch + c] + (1 - a) * Float(original.samples[d + c])
                        dst[d + c] = UInt8(Swift.max(0, Swift.min(255, v.rounded())))
                    }
                }
            }
        }
    }

    private func runInParallel<T: Sendable>(_ jobs: [ClusterJob],
                                            _ body: @escaping @Sendable (ClusterJob) throws -> T) throws -> [T] {
        let slots = ResultSlots<T>(count: jobs.count)
        parallelChunks(jobs.count, threads: context.threads) { range in
            for i in range { slots.set(i, Result { try body(jobs[i]) }) }
        }
        return try slots.values()
    }
}

/// Results written by parallel workers, each to its own slot.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<T, Error>) {
        lock.lock(); slots[i] = value; lock.unlock()
    }

    func values() throws -> [T] {
        try slots.map { slot in
            guard let slot else { throw RetouchError(.invalidArgument, "cancelled") }
            return try slot.get()
        }
    }
}

/// One crop's work: build the canvas, run the method, fall back where it cannot run.
struct ClusterJob: Sendable {
    let index: Int
    let members: [Int]
    let method: FillMethod
    let rect: Rect

    struct Outcome: Sendable {
        var canvas: FillCanvas
        var fallback: FillMethod?
        var note: String?
    }

    private func patchFill(_ p: InpaintParameters) -> PatchFill {
        let local = p.sourceRegions.map { Rect(x: $0.x - rect.x, y: $0.y - rect.y, width: $0.width, height: $0.height) }
        return PatchFill(patchRadius: p.patchSize / 2, sourceRegions: local, seed: p.seed &+ UInt64(index) &* 0x9E37_79B9)
    }

    func run(_ image: Image8, _ labels: MaskLabels, _ pending: [Bool], _ p: InpaintParameters,
             _ context: OperationContext) throws -> Outcome {
        try context.checkCancelled()
        let mine = Set(members.map { labels.components[$0].label })
        var state = [FillCanvas.State]()
        state.reserveCapacity(rect.width * rect.height)
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                let label = Int(labels.labels[y * labels.width + x])
                state.append(mine.contains(label) ? .fill : pending[label] ? .blocked : .known)
            }
        }
        var canvas = FillCanvas(image: image, rect: rect, state: state)
        switch method {
        case .flat(let r, let g, let b): FlatFill(r: r, g: g, b: b).run(&canvas)
        case .harmonic: HarmonicFill().run(&canvas)
        case .diffuse: FastMarchingFill(radius: p.radius).run(&canvas)
        case .patch:
            if try patchFill(p).run(&canvas, context: context) == .noSource {
                if !p.sourceRegions.isEmpty {
                    throw RetouchError(.invalidArgument,
                                       "the source region holds no \(p.patchSize)x\(p.patchSize) patch outside the mask; "
                                       + "give a larger source=x,y,w,h away from the masked area")
                }
                FastMarchingFill(radius: p.radius).run(&canvas)
                return Outcome(canvas: canvas, fallback: .diffuse,
                               note: "no \(p.patchSize)x\(p.patchSize) patch outside the mask near \(rect); filled with diffuse instead")
            }
        case .blended:
            if try !BlendedFill(patch: patchFill(p)).run(&canvas, context: context) {
                return Outcome(canvas: canvas, fallback: .harmonic,
                               note: "no \(p.patchSize)x\(p.patchSize) patch outside the mask near \(rect); filled with blur instead")
            }
        }
        return Outcome(canvas: canvas, fallback: nil, note: nil)
    }
}

/// A flat colour, opaque where the image has alpha.
struct FlatFill {
    let r: UInt8, g: UInt8, b: UInt8

    func run(_ canvas: inout FillCanvas) {
        let ch = canvas.channels, cc = canvas.colorChannels
        let luma = (299 * Float(r) + 587 * Float(g) + 114 * Float(b)) / 1000
        let colour: [Float] = cc == 1 ? [luma.rounded()] : [Float(r), Float(g), Float(b)]
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<cc { canvas.samples[p * ch + c] = colour[c] }
            if ch > cc { canvas.samples[p * ch + cc] = 255 }
        }
    }
}
