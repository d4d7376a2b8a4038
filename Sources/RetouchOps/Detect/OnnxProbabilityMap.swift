import RetouchCore
import RetouchInference

/// The catalog's text detector run through ONNX Runtime: the real `ProbabilityMapModel`.
/// The session is created on first use and shared, so detecting many images costs one load.
public struct OnnxProbabilityMap: ProbabilityMapModel {
    public let spec: ModelSpec
    let config: InferenceConfig

    public init(config: InferenceConfig, spec: ModelSpec = ModelCatalog.textDetector) {
        self.config = config
        self.spec = spec
    }

    public func availability() -> Availability {
        let status = ModelFiles.status(of: spec, in: config)
        return status.isAvailable ? .available : .missing("text detector \(spec.name): \(status.message)")
    }

    /// Creates the shared session now rather than on the first image, so callers can time the
    /// work on an image apart from loading the model.
    public func load() throws { _ = try session() }

    private func session() throws -> InferenceSession {
        try InferenceRuntime.shared(config).session(modelPath: ModelFiles.require(spec, in: config))
    }

    public func run(input: [Float], height: Int, width: Int) throws -> [Float] {
        let session = try session()
        let tensor = try Tensor(shape: [1, 3, height, width], values: input)
        guard let output = try session.run([spec.inputName: tensor], outputs: [spec.outputName])[spec.outputName] else {
            throw RetouchError(.inference, "\(spec.name) returned no '\(spec.outputName)' output")
        }
        guard output.values.count == height * width else {
            throw RetouchError(.inference, "\(spec.name) returned \(output.shape), expected a \(height)x\(width) map")
        }
        return output.values
    }
}
