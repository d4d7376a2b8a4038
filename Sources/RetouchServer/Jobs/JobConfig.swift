import Foundation
import RetouchCore
import RetouchPipeline

/// A job's pipeline config: the server's config, then the request's `config` field (TOML text,
/// the syntax of retouch.toml), then `config_json` (a JSON object, nested or with dotted keys),
/// then single keys given as fields (`upscale.model=bicubic`), each overriding the one before.
/// Validated in full — the pipeline is built once — so a bad job is refused at submission, not
/// discovered by a worker.
enum JobConfig {
    /// Keys a client may not set: they name server paths or the server's own resources.
    static let serverOwnedKeys: Set<String> = ["inpaint.mask_dir", "concurrency", "threads_per_image"]
    static let textField = "config"
    static let jsonField = "config_json"

    static func resolve(base: ConfigDocument, fields: [String: String], resources: StepResources) throws -> PipelineConfig {
        var document = base
        if let text = fields[textField] {
            merge(try ConfigDocument(parsing: text, source: "field `config`"), into: &document)
        }
        if let json = fields[jsonField] {
            for (key, kind) in try flatten(json: json) { document.set(key, kind) }
        }
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where key != textField && key != jsonField {
            try document.set(override: "\(key)=\(value)")
        }
        for key in document.values.keys where serverOwnedKeys.contains(key) && base.values[key] != document.values[key] {
            throw RetouchError(.invalidArgument, "`\(key)` is set by the server, not by a job"
                               + (key == "inpaint.mask_dir" ? "; send masks as mask_file parts or `boxes`" : ""))
        }
        let config = try PipelineConfig(document)
        if let steps = config.steps, steps.first != "decode" || steps.last != "encode" {
            throw RetouchError(.invalidArgument, "a job's `steps` must start with decode and end with encode, got \(steps)")
        }
        _ = try Pipeline(config: config, resources: resources, outputDir: "/nonexistent")
        return config
    }

    /// The form the job store keeps and the worker reads back.
    static func encode(_ config: PipelineConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> PipelineConfig {
        do {
            return try JSONDecoder().decode(PipelineConfig.self, from: Data(text.utf8))
        } catch {
            throw RetouchError(.invalidArgument, "the job's stored config cannot be read (\(error)); was it written by another version?")
        }
    }

    private static func merge(_ source: ConfigDocument, into document: inout ConfigDocument) {
        for (key, value) in source.values { document.set(key, value.kind) }
    }

    /// `{"upscale": {"model": "x"}}` and `{"upscale.model": "x"}` both give `upscale.model`.
    static func flatten(json: String) throws -> [(String, ConfigValue.Kind)] {
        let value: JSONConfigValue
        do {
            value = try JSONDecoder().decode(JSONConfigValue.self, from: Data(json.utf8))
        } catch {
            throw RetouchError(.invalidArgument, "`config_json` is not a JSON object of settings: \(error)")
        }
        guard case .object = value else {
            throw RetouchError(.invalidArgument, "`config_json` must be a JSON object, e.g. {\"upscale\": {\"model\": \"bicubic\"}}")
        }
        var result: [(String, ConfigValue.Kind)] = []
        try collect(value, prefix: nil, into: &result)
        return result
    }

    private static func collect(_ value: JSONConfigValue, prefix: String?, into result: inout [(String, ConfigValue.Kind)]) throws {
        switch value {
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                try collect(member, prefix: prefix.map { "\($0).\(key)" } ?? key, into: &result)
            }
        case .scalar(let kind):
            guard let prefix else { throw RetouchError(.invalidArgument, "`config_json` must be a JSON object") }
            result.append((prefix, kind))
        }
    }
}

/// The JSON values a config can hold: the same kinds as a TOML config, in objects.
enum JSONConfigValue: Decodable {
    case object([String: JSONConfigValue])
    case scalar(ConfigValue.Kind)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .scalar(.bool(bool))
        } else if let int = try? container.decode(Int.self) {
            self = .scalar(.integer(int))
        } else if let double = try? container.decode(Double.self) {
            self = .scalar(.number(double))
        } else if let string = try? container.decode(String.self) {
            self = .scalar(.string(string))
        } else if let strings = try? container.decode([String].self) {
            self = .scalar(.strings(strings))
        } else if let object = try? container.decode([String: JSONConfigValue].self) {
            self = .object(object)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "a setting must be a string, number, true/false, a list of strings or an object of settings")
        }
    }
}
