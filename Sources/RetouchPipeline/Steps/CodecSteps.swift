import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

/// Reads the input: format from the bytes, orientation applied, colour to sRGB. The only place
/// a pipeline touches input colour and metadata.
struct DecodeStep: PipelineStep {
    let name = "decode"
    let options: DecodeOptions
    let thumbnailSize: Int

    init(config: PipelineConfig) {
        var options = DecodeOptions()
        options.maxPixels = config.maxPixels
        options.keepMetadata = config.keepMetadata
        self.options = options
        thumbnailSize = config.reportThumbnailSize
    }

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        let image = try ImageFile.read(item.entry.inputPath, options: options)
        item.image = image
        item.sourceSize = image.size
        if thumbnailSize > 0 { item.sourceThumbnail = Thumbnail.make(image.pixels.eightBit, longSide: thumbnailSize) }
    }
}

/// Writes the result atomically: approved images to their output path, rejected ones under
/// `rejected/` beside it, so the output folder only holds what passed QA. Then checks the
/// written file is what was meant (format and size read back from its header).
struct EncodeStep: PipelineStep {
    let name = "encode"
    let options: EncodeOptions
    let outputDir: String

    init(config: PipelineConfig, outputDir: String) {
        var options = EncodeOptions()
        options.quality = config.outputQuality
        options.keepMetadata = config.keepMetadata
        self.options = options
        self.outputDir = outputDir
    }

    func run(_ item: inout WorkItem, context: OperationContext) throws {
        let image = try item.requireImage(for: name)
        let path = item.verdict == .rejected ? rejectedPath(item.entry.outputPath) : item.entry.outputPath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let format = try ImageFormat.forOutput(path: path)
        try ImageFile.write(image, to: path, format: format, options: options)
        item.writtenPath = path
        let written = try ImageFile.probe(path)
        if written.format != format || written.width != image.size.width || written.height != image.size.height {
            item.verdict = .rejected
            item.reasons.append("written file is \(written.format.rawValue) \(written.width)x\(written.height), "
                + "expected \(format.rawValue) \(image.size)")
        }
    }

    func rejectedPath(_ output: String) -> String {
        let relative = output.hasPrefix(outputDir + "/") ? String(output.dropFirst(outputDir.count + 1)) : output
        return outputDir + "/rejected/" + relative
    }
}
