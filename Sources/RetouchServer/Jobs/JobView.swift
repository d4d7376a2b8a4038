import Foundation
import RetouchJobs
import RetouchPipeline

/// A job as the API shows it (snake_case JSON): state, progress, config, and per item its
/// state, QA verdict, and where to fetch the result.
struct JobView: Encodable {
    struct Item: Encodable {
        var index: Int
        var name: String
        /// Whether a mask came with the image (for the inpaint step).
        var hasMask: Bool
        var state: String
        var resultURL: String?
        var result: ItemResult?
        var error: String?
    }

    var id: String
    var state: String
    var cancelRequested: Bool
    var createdAt: Date
    var updatedAt: Date
    /// When the job and its results will be deleted; set once it is final.
    var expiresAt: Date?
    var attempts: Int
    var maxAttempts: Int
    var error: String?
    var progress: Progress
    var config: PipelineConfig?
    var items: [Item]?

    struct Progress: Encodable {
        var total: Int
        var succeeded: Int
        var failed: Int
        var done: Int
    }

    init(_ summary: JobSummary, items: [JobItem]?) {
        id = summary.id
        state = summary.state.rawValue
        cancelRequested = summary.cancelRequested
        createdAt = summary.createdAt
        updatedAt = summary.updatedAt
        expiresAt = summary.expiresAt
        attempts = summary.attempts
        maxAttempts = summary.maxAttempts
        error = summary.error
        progress = Progress(total: summary.progress.total, succeeded: summary.progress.succeeded,
                            failed: summary.progress.failed, done: summary.progress.done)
        config = try? JobConfig.decode(summary.config)
        self.items = items.map { items in
            items.map { item in
                Item(index: item.index, name: item.inputName, hasMask: item.maskBlob != nil, state: item.state.rawValue,
                     resultURL: item.resultBlob == nil ? nil : "/v1/jobs/\(summary.id)/results/\(item.index)",
                     result: item.resultJSON.flatMap { try? JSONDecoder().decode(ItemResult.self, from: Data($0.utf8)) },
                     error: item.error)
            }
        }
    }

    init(_ job: Job) { self.init(job.summary, items: job.items) }
}

/// One page of `GET /v1/jobs`.
struct JobListView: Encodable {
    var jobs: [JobView]
    /// Pass as `after` for the next page; absent on the last page.
    var next: String?
}
