import Foundation
import RetouchCodecs
import RetouchCore

/// One image of a batch: where it comes from, where its result goes, and its mask if any.
public struct BatchEntry: Sendable, Equatable {
    /// Path relative to the input folder, always inside it; the key for resuming.
    public var relativePath: String
    public var inputPath: String
    public var outputPath: String
    public var maskPath: String?

    public init(relativePath: String, inputPath: String, outputPath: String, maskPath: String? = nil) {
        self.relativePath = relativePath
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.maskPath = maskPath
    }
}

/// Finds the images of an input folder and plans their outputs.
public enum BatchInputs {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "jpe", "png", "webp"]

    /// Lists image files under `inputDir` (recursively, hidden files and symbolic links skipped,
    /// sorted) and maps each to an output path under `outputDir` that cannot escape it.
    /// `outputFormat` is "same" or an extension. Files of other types are returned in `ignored`.
    public static func scan(inputDir: String, outputDir: String, outputFormat: String,
                            maskDir: String?) throws -> (entries: [BatchEntry], ignored: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inputDir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RetouchError(.io, "\(inputDir): not a folder; give the folder of images to process")
        }
        if let maskDir, !FileManager.default.fileExists(atPath: maskDir) {
            throw RetouchError(.io, "\(maskDir): mask folder does not exist")
        }
        var entries: [BatchEntry] = []
        var ignored: [String] = []
        var usedOutputs: Set<String> = []
        for relative in try listFiles(inputDir) {
            let ext = (relative as NSString).pathExtension.lowercased()
            guard imageExtensions.contains(ext) else { ignored.append(relative); continue }
            var output = outputRelativePath(relative, format: outputFormat)
            if usedOutputs.contains(output) {
                // a.jpg and a.png both asked to become a.webp: keep both, the second by its full name.
                output = relative + "." + (outputFormat == "same" ? ext : outputFormat)
            }
            usedOutputs.insert(output)
            entries.append(BatchEntry(relativePath: relative,
                                      inputPath: inputDir + "/" + relative,
                                      outputPath: outputDir + "/" + output,
                                      maskPath: maskDir.flatMap { findMask(for: relative, in: $0) }))
        }
        return (entries, ignored)
    }

    private static func listFiles(_ root: String) throws -> [String] {
        let url = URL(fileURLWithPath: root)
        guard let enumerator = FileManager.default.enumerator(
            at: url, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey],
            options: [.skipsHiddenFiles]) else {
            throw RetouchError(.io, "\(root): cannot list the folder")
        }
        let rootComponents = url.standardizedFileURL.pathComponents.count
        var files: [String] = []
        for case let file as URL in enumerator {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values?.isRegularFile == true, values?.isSymbolicLink != true else { continue }
            let components = Array(file.standardizedFileURL.pathComponents.dropFirst(rootComponents))
            guard !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." }) else { continue }
            files.append(components.joined(separator: "/"))
        }
        return files.sorted()
    }

    static func outputRelativePath(_ relative: String, format: String) -> String {
        guard format != "same" else { return relative }
        let stem = (relative as NSString).deletingPathExtension
        return stem + "." + (format == "jpeg" ? "jpg" : format)
    }

    /// A mask for `photos/a.jpg` is `MASKS/photos/a.png` (or .jpg/.webp), or `MASKS/photos/a_mask.png`.
    static func findMask(for relative: String, in maskDir: String) -> String? {
        let stem = (relative as NSString).deletingPathExtension
        for suffix in ["", "_mask"] {
            for ext in ["png", "webp", "jpg", "jpeg"] {
                let candidate = "\(maskDir)/\(stem)\(suffix).\(ext)"
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
