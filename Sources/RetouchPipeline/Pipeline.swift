import Foundation
import RetouchCore
import RetouchOps

/// An ordered list of configured steps. The order is data: `remove-first` and `upscale-first`
/// are two lists of the same steps, which is what makes the A/B experiment a config change.
public struct Pipeline: Sendable {
    public let config: PipelineConfig
    public let steps: [any PipelineStep]

    /// Every step name a config's `steps` may use.
    public static let stepNames = ["decode", "detect", "erase", "inpaint", "upscale", "qa", "encode"]

    /// The built-in step list of an order. Detection always runs on the source image, since the
    /// router decides before any pixels change; erasing happens before or after the upscale.
    public static func defaultSteps(for order: PipelineOrder) -> [String] {
        switch order {
        case .removeFirst: ["decode", "detect", "erase", "inpaint", "upscale", "qa", "encode"]
        case .upscaleFirst: ["decode", "detect", "upscale", "erase", "inpaint", "qa", "encode"]
        }
    }

    public init(config: PipelineConfig, resources: StepResources, outputDir: String) throws {
        self.config = config
        let names = config.steps ?? Self.defaultSteps(for: config.order)
        let scale = names.contains("upscale") ? config.upscaleScale : 1
        steps = try names.map {
            try Self.makeStep($0, config: config, expectedScale: scale, resources: resources, outputDir: outputDir)
        }
    }

    private static func makeStep(_ name: String, config: PipelineConfig, expectedScale: Int,
                                 resources: StepResources, outputDir: String) throws -> any PipelineStep {
        switch name {
        case "decode": return DecodeStep(config: config)
        case "encode": return EncodeStep(config: config, outputDir: outputDir)
        case "upscale":
            return UpscaleStep(upscaler: try resources.upscalers.lookup(config.upscaleModel), scale: config.upscaleScale)
        case "inpaint": return try InpaintStep(config: config)
        case "detect":
            return DetectStep(detector: try resources.requireDetector(for: name), maskBuilder: maskBuilder(config),
                              minScore: Float(config.eraseMinScore), route: config.route, threshold: config.threshold,
                              overlayProbability: resources.overlayProbability)
        case "erase":
            _ = try InpaintEngines.registry.lookup(config.eraseEngine)
            return EraseStep(engine: config.eraseEngine, maskBuilder: maskBuilder(config))
        case "qa":
            return QAStep(expectedScale: expectedScale, maxSeam: config.qaMaxSeam, maxResidual: config.qaMaxResidual,
                          residualProbability: try residualCheck(config, resources))
        default:
            throw RetouchError(.invalidArgument,
                               "unknown step '\(name)'; choose from: \(stepNames.joined(separator: ", "))")
        }
    }

    private static func maskBuilder(_ config: PipelineConfig) -> TextMaskBuilder {
        var options = TextMaskBuilder.Options()
        options.dilation = config.eraseDilate
        options.fullBoxes = config.eraseFullBoxes
        return TextMaskBuilder(options: options)
    }

    /// QA's second look at a cleaned image: the detector and router again, on the result brought
    /// back to the source size so the check costs the same whatever the upscale.
    private static func residualCheck(_ config: PipelineConfig, _ resources: StepResources) throws
        -> (@Sendable (Image8, Size) throws -> Double)? {
        guard let detector = resources.textDetector else { return nil }
        let builder = maskBuilder(config)
        let probability = resources.overlayProbability
        let minScore = Float(config.eraseMinScore)
        return { image, sourceSize in
            let sized = image.size == sourceSize ? image
                : Resampler.resize(image, width: sourceSize.width, height: sourceSize.height, filter: .bilinear, threads: 1)
            var detection = try detector.detect(sized)
            detection.regions = detection.regions.filter { $0.score >= minScore }
            return probability(detection, try builder.mask(for: detection.regions, in: sized))
        }
    }

    /// Runs every step on one entry. Never throws: a failure becomes part of the returned item's
    /// record so one bad file cannot stop a batch.
    public func process(_ entry: BatchEntry, context: OperationContext) -> (item: WorkItem, timings: [StepTiming], error: RetouchError?) {
        var item = WorkItem(entry: entry)
        var timings: [StepTiming] = []
        for step in steps {
            let start = ContinuousClock.now
            do {
                try step.run(&item, context: context)
            } catch let error as RetouchError {
                return (item, timings, error)
            } catch {
                return (item, timings, RetouchError(.io, "\(entry.relativePath): \(error)"))
            }
            timings.append(StepTiming(step: step.name, seconds: seconds(since: start)))
        }
        return (item, timings, nil)
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
