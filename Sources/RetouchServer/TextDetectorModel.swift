import RetouchOps

/// The text detector the server runs for `/v1/detect` and `/v1/erase-text`, with whether its
/// model is installed. Handed in by the caller like the registries, so tests can use another model.
public struct TextDetectorModel: Sendable {
    public var name: String
    public var model: any ProbabilityMapModel
    public var availability: @Sendable () -> Availability

    public init(name: String, model: any ProbabilityMapModel,
                availability: @escaping @Sendable () -> Availability = { .available }) {
        self.name = name
        self.model = model
        self.availability = availability
    }

    /// The catalog's detector run through ONNX Runtime.
    public init(_ onnx: OnnxProbabilityMap) {
        self.init(name: onnx.spec.name, model: onnx, availability: { onnx.availability() })
    }
}
