import RetouchPipeline

/// retouch.toml text as `process` and `serve` read it, and each line again as a `--set` override.
enum ConfigEntry {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let document = try? ConfigDocument(parsing: text, source: "fuzz.toml") {
            _ = try? PipelineConfig(document)
        }
        var overrides = ConfigDocument()
        for line in text.split(separator: "\n").prefix(64) {
            try? overrides.set(override: String(line))
        }
        _ = try? PipelineConfig(overrides)
    }
}
