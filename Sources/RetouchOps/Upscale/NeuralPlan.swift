import RetouchCore
import RetouchInference

/// What a neural upscale does, step by step: one or more models, then optionally a Lanczos
/// fit to the exact requested size (when a 4x chain serves a 3x request).
struct NeuralPlan: Sendable {
    var models: [ModelSpec]
    /// Final scale, when it differs from the product of the models' scales.
    var fitScale: Int?

    var modelScale: Int { models.reduce(1) { $0 * $1.scale } }

    /// Estimated CPU seconds for an input of `size`, from the catalog's measured costs.
    func estimatedSeconds(for size: Size) -> Double {
        var scale = 1, seconds = 0.0
        for model in models {
            scale *= model.scale
            seconds += Double(size.pixelCount * scale * scale) / 1e6 * model.secondsPerOutputMegapixel
        }
        return seconds
    }

    /// `auto`: the preferred plan for `scale` whose estimate fits `budget` seconds, else the
    /// cheapest installed one. Preference follows bench/sr's PSNR on held-back real photos:
    /// waifu2x 2x (chained for 4x; 3x is that 4x fitted down with Lanczos) scores highest; the
    /// project's own retouch-fast-x4 comes next at a tenth of its cost and beats Lanczos and
    /// the anime-trained compact model, which stays as the last fallback. Real-ESRGAN x4plus
    /// is not a candidate: it scored below bicubic on PSNR and is ten times slower than
    /// waifu2x; it stays available by name for its GAN look.
    static func auto(scale: Int, inputSize: Size, budgetSeconds: Double,
                     isInstalled: (ModelSpec) -> Bool) throws -> NeuralPlan {
        let waifu2x = try ModelCatalog.spec(named: "waifu2x-photo")
        let fast4 = try ModelCatalog.spec(named: "retouch-fast-x4")
        let compact = { (s: Int) in try ModelCatalog.spec(named: "realesr-animevideov3-x\(s)") }
        let candidates: [NeuralPlan]
        switch scale {
        case 2: candidates = [NeuralPlan(models: [waifu2x])]
        case 3: candidates = [NeuralPlan(models: [waifu2x, waifu2x], fitScale: 3), NeuralPlan(models: [fast4], fitScale: 3),
                              NeuralPlan(models: [try compact(3)])]
        case 4: candidates = [NeuralPlan(models: [waifu2x, waifu2x]), NeuralPlan(models: [fast4]),
                              NeuralPlan(models: [try compact(4)])]
        default: throw RetouchError(.invalidArgument, "auto upscales by 2, 3 or 4, not \(scale)")
        }
        // Installation is checked only for plans that could be chosen: checking hashes a file.
        if let plan = candidates.first(where: {
            $0.estimatedSeconds(for: inputSize) <= budgetSeconds && $0.models.allSatisfy(isInstalled)
        }) {
            return plan
        }
        let byCost = candidates.sorted { $0.estimatedSeconds(for: inputSize) < $1.estimatedSeconds(for: inputSize) }
        guard let cheapest = byCost.first(where: { $0.models.allSatisfy(isInstalled) }) else {
            throw RetouchError(.modelMissing, "auto needs waifu2x-photo, retouch-fast-x4 or realesr-animevideov3; run scripts/install_models.sh")
        }
        return cheapest
    }
}
