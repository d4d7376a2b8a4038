import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps
import RetouchPipeline

/// Runs one job item through the pipeline: the pipeline reads and writes files, so the input
/// goes to a scratch folder and the output is read back. Blocking; the worker calls it on its pool.
enum ItemProcessor {
    struct Outcome: Sendable {
        var bytes: [UInt8]?
        var result: ItemResult?
        var error: RetouchError?
        var timings: [StepTiming]
    }

    /// - Parameter mask: the item's mask, for the inpaint step (white = remove).
    static func run(_ input: Data, mask: Data?, index: Int, name: String, pipeline: Pipeline, scratch: String,
                    context: OperationContext, workerID: String) -> Outcome {
        let bytes = [UInt8](input)
        guard let format = ImageFormat.detect(bytes) else {
            return Outcome(error: RetouchError(.unsupportedFormat, "\(name): not a JPEG, PNG or WebP image"), timings: [])
        }
        let itemDir = scratch + "/\(index)"
        defer { try? FileManager.default.removeItem(atPath: itemDir) }
        let inputPath = itemDir + "/in." + format.fileExtension
        let outputPath = scratch + "/out/\(index)." + outputExtension(pipeline.config.outputFormat, input: format)
        var maskPath: String?
        do {
            try FileManager.default.createDirectory(atPath: itemDir, withIntermediateDirectories: true)
            try ImageFile.writeBytes(bytes, to: inputPath)
            if let mask {
                let maskBytes = [UInt8](mask)
                let path = itemDir + "/mask." + (ImageFormat.detect(maskBytes)?.fileExtension ?? "png")
                try ImageFile.writeBytes(maskBytes, to: path)
                maskPath = path
            }
        } catch {
            return Outcome(error: RetouchError(.io, "cannot stage \(name) in \(itemDir): \(error)"), timings: [])
        }
        let entry = BatchEntry(relativePath: name, inputPath: inputPath, outputPath: outputPath, maskPath: maskPath)
        let (item, timings, error) = pipeline.process(entry, context: context)
        if let error { return Outcome(error: error, timings: timings) }
        guard let written = item.writtenPath else {
            return Outcome(error: RetouchError(.invalidArgument, "the pipeline wrote no image: end `steps` with encode"),
                           timings: timings)
        }
        defer { try? FileManager.default.removeItem(atPath: written) }
        do {
            let output = try [UInt8](Data(contentsOf: URL(fileURLWithPath: written)))
            let info = try ImageDecoder.probe(output)
            let result = ItemResult(verdict: (item.verdict ?? .approved).rawValue, reasons: item.reasons,
                                    route: item.route?.rawValue, overlayProbability: item.overlayProbability,
                                    notes: item.notes, format: info.format.rawValue,
                                    width: info.width, height: info.height, steps: timings,
                                    seconds: timings.map(\.seconds).reduce(0, +), worker: workerID)
            return Outcome(bytes: output, result: result, timings: timings)
        } catch {
            return Outcome(error: RetouchError(.io, "cannot read back the result of \(name): \(error)"), timings: timings)
        }
    }

    /// `same` keeps the input's format; otherwise the configured one.
    static func outputExtension(_ outputFormat: String, input: ImageFormat) -> String {
        guard outputFormat != "same" else { return input.fileExtension }
        return ImageFormat(fileExtension: outputFormat)?.fileExtension ?? input.fileExtension
    }
}
