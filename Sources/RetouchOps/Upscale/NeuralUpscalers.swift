import Foundation
import RetouchCore
import RetouchInference

/// Settings for the neural upscalers beyond where the runtime and models live.
public struct NeuralOptions: Sendable {
    /// `auto` picks the best plan whose estimated CPU time fits this many seconds.
    public var autoBudgetSeconds: Double
    /// Refuse outputs (and chained intermediates) larger than this.
    public var maxOutputPixels: Int
    /// Tile edge in input pixels; nil uses each model's recommended size.
    public var tileSize: Int?

    public init(autoBudgetSeconds: Double = 120, maxOutputPixels: Int = 200_000_000, tileSize: Int? = nil) {
        self.autoBudgetSeconds = autoBudgetSeconds
        self.maxOutputPixels = maxOutputPixels
        self.tileSize = tileSize
    }
}

/// The neural entries of the upscaler registry: one per catalog model (waifu2x and its
/// denoise variants, Real-ESRGAN x4plus, Retouch's own `retouch-*` models),
/// `realesr-animevideov3` for 2x/3x/4x, and `auto`.
public enum NeuralUpscalers {
    public static func all(config: InferenceConfig, options: NeuralOptions = NeuralOptions()) -> [Upscaler] {
        let runner = NeuralRunner(config: config, options: options)
        var upscalers = ModelCatalog.all.filter {
            $0.name.hasPrefix("waifu2x") || $0.name.hasPrefix("retouch-") || $0.name == "realesrgan-x4plus"
        }
            .map { spec in
                Upscaler(name: spec.name, summary: spec.summary, family: .neural, scales: [spec.scale],
                         availability: { runner.availability(of: [spec]) },
                         run: { pixels, _, context in try runner.run(NeuralPlan(models: [spec]), on: pixels, context: context) })
            }
        let anime = ModelCatalog.all.filter { $0.name.hasPrefix("realesr-animevideov3-") }
        upscalers.append(Upscaler(
            name: "realesr-animevideov3", summary: "Real-ESRGAN animevideov3 (compact, fast; trained on anime), 2x/3x/4x",
            family: .neural, scales: anime.map(\.scale).sorted(),
            availability: { runner.availability(of: anime) },
            run: { pixels, scale, context in
                guard let spec = anime.first(where: { $0.scale == scale }) else {
                    throw RetouchError(.invalidArgument, "realesr-animevideov3 upscales by 2, 3 or 4, not \(scale)")
                }
                return try runner.run(NeuralPlan(models: [spec]), on: pixels, context: context)
            }))
        upscalers.append(Upscaler(
            name: "auto", summary: "Best photo model for the scale within \(Int(options.autoBudgetSeconds)) s of CPU time "
                + "(waifu2x 2x, chained for 4x, 3x fitted from 4x with Lanczos; else retouch-fast-x4, else animevideov3)",
            family: .neural, scales: [2, 3, 4],
            availability: { runner.availability(of: [try? ModelCatalog.spec(named: "waifu2x-photo")].compactMap { $0 }) },
            run: { pixels, scale, context in
                let plan = try NeuralPlan.auto(scale: scale, inputSize: pixels.size, budgetSeconds: options.autoBudgetSeconds,
                                               isInstalled: { ModelFiles.status(of: $0, in: config).isAvailable })
                return try runner.run(plan, on: pixels, context: context)
            }))
        return upscalers
    }
}

/// Runs plans: loads the runtime and sessions on first use, splits off alpha and gray,
/// chains the models and fits the result.
struct NeuralRunner: Sendable {
    let config: InferenceConfig
    let options: NeuralOptions

    func availability(of specs: [ModelSpec]) -> Availability {
        guard FileManager.default.fileExists(atPath: config.libraryPath) else {
            return .missing("ONNX Runtime not installed (\(config.libraryPath) missing); run scripts/install_models.sh")
        }
        for spec in specs {
            let status = ModelFiles.status(of: spec, in: config)
            if !status.isAvailable { return .missing("model \(spec.name): \(status.message)") }
        }
        return .available
    }

    func run(_ plan: NeuralPlan, on pixels: Pixels, context: OperationContext) throws -> Pixels {
        try checkSizes(plan, input: pixels.size)
        let runtime = try InferenceRuntime.shared(config)
        let models = try plan.models.map { spec in
            NeuralTiledModel(spec: spec, session: try runtime.session(modelPath: try ModelFiles.require(spec, in: config)),
                             tileSize: options.tileSize)
        }
        switch pixels {
        case .u8(let buffer): return .u8(try upscale(buffer, plan: plan, models: models, context: context))
        case .u16(let buffer): return .u16(try upscale(buffer, plan: plan, models: models, context: context))
        }
    }

    private func checkSizes(_ plan: NeuralPlan, input: Size) throws {
        let largest = max(plan.modelScale, plan.fitScale ?? 1)
        let pixels = input.pixelCount * largest * largest
        guard pixels <= options.maxOutputPixels else {
            throw RetouchError(.imageTooLarge, "upscaling \(input) by \(largest)x gives \(pixels / 1_000_000) MP, over the "
                               + "\(options.maxOutputPixels / 1_000_000) MP limit for neural upscaling; use a smaller input or scale")
        }
    }

    private func upscale<S: PixelSample>(_ image: PixelBuffer<S>, plan: NeuralPlan, models: [NeuralTiledModel],
                                         context: OperationContext) throws -> PixelBuffer<S> {
        let (color, alpha) = image.splitAlpha()
        var rgb = color.channels == 1 ? color.converted(toChannels: 3) : color
        var sizes = [image.size]
        for model in models { sizes.append(Size(width: sizes.last!.width * model.spec.scale, height: sizes.last!.height * model.spec.scale)) }
        let counts = zip(models, sizes).map { $0.tileCount(for: $1) }
        let total = counts.reduce(0, +)
        var done = 0
        for (model, count) in zip(models, counts) {
            let base = done
            rgb = try model.upscale(rgb, context: context) { context.progress(base + $0, total) }
            done += count
        }
        if let fit = plan.fitScale {
            rgb = Resampler.resize(rgb, width: image.width * fit, height: image.height * fit, filter: .lanczos3, threads: context.threads)
        }
        var out = color.channels == 1 ? rgb.converted(toChannels: 1) : rgb
        if let alpha {
            out = out.attachingAlpha(Resampler.resize(alpha, width: out.width, height: out.height, filter: .lanczos3, threads: context.threads))
        }
        return out
    }
}
