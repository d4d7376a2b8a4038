import ArgumentParser
import Foundation
import RetouchInference
import RetouchOps

/// `retouch models`: every upscaler in the registry and whether it can run here.
struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List upscalers (resamplers and neural models) and whether each is installed.",
        discussion: "Neural models come from scripts/install_models.sh into the models folder "
            + "(RETOUCH_MODELS_DIR, default ./models); each file is checked against its catalog sha256.")

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    func run() async throws {
        let report = ModelsReport.gather(Registries.upscalers, config: Registries.inference)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
    }
}

struct ModelsReport: Codable {
    struct Entry: Codable {
        var name: String
        var family: String
        var scales: [Int]
        var available: Bool
        var status: String
        var summary: String
    }

    struct ModelFile: Codable {
        var spec: ModelSpec
        var available: Bool
        var status: String
    }

    struct Runtime: Codable {
        var library: String
        var modelsDirectory: String
        var version: String?
        var status: String
    }

    var runtime: Runtime
    var upscalers: [Entry]
    var models: [ModelFile]

    static func gather(_ registry: Registry<Upscaler>, config: InferenceConfig) -> ModelsReport {
        let upscalers = registry.entries.map { upscaler in
            let availability = upscaler.availability()
            let status: String
            switch availability {
            case .available: status = "available"
            case .missing(let why): status = why
            }
            return Entry(name: upscaler.name, family: upscaler.family.rawValue, scales: upscaler.scales,
                         available: availability.isAvailable, status: status, summary: upscaler.summary)
        }
        let models = ModelCatalog.all.map { spec in
            let status = ModelFiles.status(of: spec, in: config)
            return ModelFile(spec: spec, available: status.isAvailable, status: status.message)
        }
        return ModelsReport(runtime: runtimeStatus(config), upscalers: upscalers, models: models)
    }

    private static func runtimeStatus(_ config: InferenceConfig) -> Runtime {
        do {
            let runtime = try InferenceRuntime.shared(config)
            return Runtime(library: config.libraryPath, modelsDirectory: config.modelsDirectory, version: runtime.version,
                           status: "loaded, self-check passed (\(config.intraOpThreads) intra-op thread(s), \(config.provider.rawValue))")
        } catch {
            return Runtime(library: config.libraryPath, modelsDirectory: config.modelsDirectory, version: nil, status: "\(error)")
        }
    }

    var table: String {
        let width = max(20, upscalers.map(\.name.count).max() ?? 0) + 2
        var lines = ["NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "FAMILY     SCALES  STATUS"]
        for entry in upscalers {
            lines.append(entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + entry.family.padding(toLength: 11, withPad: " ", startingAt: 0)
                         + entry.scales.map(String.init).joined(separator: ",").padding(toLength: 8, withPad: " ", startingAt: 0)
                         + entry.status)
        }
        lines.append("")
        lines.append("models folder: \(runtime.modelsDirectory)")
        lines.append("runtime: \(runtime.library): " + (runtime.version.map { "ONNX Runtime \($0), " } ?? "") + runtime.status)
        return lines.joined(separator: "\n")
    }
}
