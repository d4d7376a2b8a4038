import RetouchCore

/// `auto`'s fill for textured regions: the exemplar fill blended with the membrane fill,
/// `patch + w (membrane - patch)`. Where the true content cannot be known, copied texture
/// and smooth interpolation err in different ways, and a blend errs least; how much of each
/// suits a region is measured on the photo itself: the region's shape is moved onto nearby
/// known pixels, both fills are run there, and `w` is the least-squares weight that best
/// reproduces what is really there.
struct BlendedFill {
    var patch: PatchFill
    /// The membrane never takes more than this share, so some texture always remains.
    var maxMembrane: Float = 0.8
    /// Used when no shifted copy of the region lands on enough known pixels.
    var fallbackMembrane: Float = 0.6

    /// Fills the canvas; returns the membrane share used (1 when no patch source exists).
    func run(_ canvas: inout FillCanvas, context: OperationContext) throws -> Float {
        var membrane = canvas
        HarmonicFill().run(&membrane)
        var exemplar = canvas
        guard try patch.run(&exemplar, context: context) == .filled else {
            canvas = membrane
            return 1
        }
        let w = try validatedWeight(canvas, context: context)
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                canvas.samples[i] = exemplar.samples[i] + w * (membrane.samples[i] - exemplar.samples[i])
            }
        }
        return w
    }

    private func validatedWeight(_ canvas: FillCanvas, context: OperationContext) throws -> Float {
        guard let probe = shiftedCopy(canvas) else { return fallbackMembrane }
        var trial = canvas
        for p in probe { trial.state[p] = .fill }
        var membrane = trial, exemplar = trial
        HarmonicFill().run(&membrane)
        guard try patch.run(&exemplar, context: context) == .filled else { return fallbackMembrane }
        var num: Float = 0, den: Float = 0
        let ch = canvas.channels
        for p in probe {
            for c in 0..<canvas.colorChannels {
                let i = p * ch + c
                let toward = membrane.samples[i] - exemplar.samples[i]
                num += toward * (canvas.samples[i] - exemplar.samples[i])
                den += toward * toward
            }
        }
        guard den > 0 else { return fallbackMembrane }
        return Swift.max(0, Swift.min(maxMembrane, num / den))
    }

    /// Known pixels covered by the region moved by one of a few offsets (a box width or
    /// height, or half of one, in each direction): the offset that covers the most known
    /// pixels wins. Nil when none covers enough to judge by.
    private func shiftedCopy(_ canvas: FillCanvas) -> [Int]? {
        let w = canvas.width, h = canvas.height
        var x0 = w, y0 = h, x1 = -1, y1 = -1
        var holes = [Int]()
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            let x = p % w, y = p / w
            x0 = Swift.min(x0, x); x1 = Swift.max(x1, x); y0 = Swift.min(y0, y); y1 = Swift.max(y1, y)
            holes.append(p)
        }
        guard x1 >= 0 else { return nil }
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1
        let offsets = [(-bw, 0), (bw, 0), (0, -bh), (0, bh), (-bw, -bh), (bw, bh), (-bw, bh), (bw, -bh),
                       (-bw / 2, 0), (bw / 2, 0), (0, -bh / 2), (0, bh / 2)]
        var best: [Int] = []
        for (dx, dy) in offsets where dx != 0 || dy != 0 {
            var covered = [Int]()
            for p in holes {
                let x = p % w + dx, y = p / w + dy
                guard x >= 0, y >= 0, x < w, y < h else { continue }
                let q = y * w + x
                if canvas.state[q] == .known { covered.append(q) }
            }
            if covered.count > best.count { best = covered }
        }
        return best.count >= Swift.max(16, holes.count / 4) ? best : nil
    }
}
