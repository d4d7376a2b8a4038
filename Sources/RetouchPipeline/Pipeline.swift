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
        case "qa":
            return QAStep(expectedScale: expectedScale, maxSeam: config.qaMaxSeam, maxResidual: config.qaMaxResidual,
                          residualProbability: nil)
        default:
            throw RetouchError(.invalidArgument,
                               "unknown step '\(name)'; choose from: \(stepNames.joined(separator: ", "))")
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
