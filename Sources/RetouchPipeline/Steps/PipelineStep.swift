import RetouchCore
import RetouchOps

/// A named stage of a pipeline. Steps are configured once from the `PipelineConfig`, then run for
/// each image; they read and update the `WorkItem` and must not keep per-image state.
public protocol PipelineStep: Sendable {
    var name: String { get }
    func run(_ item: inout WorkItem, context: OperationContext) throws
}

/// The operations steps call, resolved once from the registries so a bad name fails before the
/// batch starts instead of on every image.
public struct StepResources: Sendable {
    public var upscalers: Registry<Upscaler>

    public init(upscalers: Registry<Upscaler>) {
        self.upscalers = upscalers
    }
}
