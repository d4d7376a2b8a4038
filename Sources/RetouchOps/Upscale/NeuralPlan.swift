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
    /// cheapest. Preference: Real-ESRGAN x4plus (GAN, recovers texture) where affordable,
    /// otherwise waifu2x 2x chained (2x -> 4x; 3x is 4x fitted down with Lanczos).
    static func auto(scale: Int, inputSize: Size, budgetSeconds: Double,
                     isInstalled: (ModelSpec) -> Bool) throws -> NeuralPlan {
        let waifu2x = try ModelCatalog.spec(named: "waifu2x-photo")
        let gan = try ModelCatalog.spec(named: "realesrgan-x4plus")
        let candidates: [NeuralPlan]
        switch scale {
        case 2: candidates = [NeuralPlan(models: [waifu2x])]
        case 3: candidates = [NeuralPlan(models: [gan], fitScale: 3), NeuralPlan(models: [waifu2x, waifu2x], fitScale: 3)]
        case 4: candidates = [NeuralPlan(models: [gan]), NeuralPlan(models: [waifu2x, waifu2x])]
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
            throw RetouchError(.modelMissing, "auto needs waifu2x-photo; run scripts/install_models.sh")
        }
        return cheapest
    }
}
