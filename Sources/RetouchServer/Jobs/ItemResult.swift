import RetouchPipeline

/// What a worker records about one processed image (the item's `resultJSON`), and what
/// `GET /v1/jobs/{id}` shows for it.
struct ItemResult: Codable, Sendable, Equatable {
    /// approved or rejected by QA; a rejected result is kept and can be fetched, with the reasons.
    var verdict: String
    var reasons: [String]
    /// cleaned or direct, when the pipeline routed the image.
    var route: String?
    /// p(overlay) the router saw, when the pipeline detected text.
    var overlayProbability: Double?
    var notes: [String]
    var format: String
    var width: Int
    var height: Int
    var steps: [StepTiming]
    var seconds: Double
    /// The worker that produced it, for tracing a result back to its logs.
    var worker: String
}
