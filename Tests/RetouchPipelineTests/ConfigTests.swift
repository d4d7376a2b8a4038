import Testing
import RetouchCore
@testable import RetouchPipeline

private func config(_ text: String) throws -> PipelineConfig {
    try PipelineConfig(ConfigDocument(parsing: text, source: "retouch.toml"))
}

private func failure(_ text: String) -> String {
    do {
        _ = try config(text)
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Test func emptyFileGivesTheEmbeddedDefaults() throws {
    #expect(try config("") == PipelineConfig())
    #expect(PipelineConfig().threshold == 0.6)
    #expect(PipelineConfig().order == .removeFirst)
}

@Test func sectionsCommentsAndTypesAreRead() throws {
    let c = try config("""
    # a catalog run
    order = "upscale-first"   # roll forward
    route = false
    threshold = 0.75
    steps = ["decode", "upscale", "encode",]

    [upscale]
    scale = 4
    model = "bicubic"

    [output]
    format = "webp"
    quality = 80

    [cost]
    cpu_hour = 0.12
    currency = "EUR # not a comment"
    """)
    #expect(c.order == .upscaleFirst)
    #expect(!c.route)
    #expect(c.threshold == 0.75)
    #expect(c.steps == ["decode", "upscale", "encode"])
    #expect(c.upscaleScale == 4 && c.upscaleModel == "bicubic")
    #expect(c.outputFormat == "webp" && c.outputQuality == 80)
    #expect(c.costPerCPUHour == 0.12)
    #expect(c.currency == "EUR # not a comment")
}

@Test func errorsNameTheLineAndTheProblem() {
    #expect(failure("route = true\nthreshold = 1.5") == "retouch.toml:2: `threshold` must be between 0.0 and 1.0 (got 1.5)")
    #expect(failure("[upscale]\nscale = \"4\"") == "retouch.toml:2: `upscale.scale` must be an integer, not a string")
    #expect(failure("\n\n[upscale]\nmodell = \"x\"").hasPrefix("retouch.toml:4: `upscale.modell` is not a setting"))
    #expect(failure("order = \"sideways\"") == "retouch.toml:1: `order` must be remove-first or upscale-first")
    #expect(failure("model = waifu") == "retouch.toml:1: cannot read the value `waifu`: strings need double quotes")
    #expect(failure("x = \"open") == "retouch.toml:1: unterminated string `\"open`")
    #expect(failure("[broken") == "retouch.toml:1: a section header looks like `[name]`")
    #expect(failure("route = true\nroute = false") == "retouch.toml:2: `route` is set twice")
    #expect(failure("just words") == "retouch.toml:1: expected `key = value` or `[section]`, found `just words`")
}

@Test func commandLineOverridesWinAndNeedNoQuotes() throws {
    var document = try ConfigDocument(parsing: "[upscale]\nmodel = \"bicubic\"\nscale = 2", source: "retouch.toml")
    try document.set(override: "upscale.model=lanczos3")
    try document.set(override: "upscale.scale=3")
    try document.set(override: "route=false")
    let c = try PipelineConfig(document)
    #expect(c.upscaleModel == "lanczos3" && c.upscaleScale == 3 && !c.route)
    #expect(throws: RetouchError.self) { try document.set(override: "nonsense") }
    try document.set(override: "threshold=2")
    #expect(throws: RetouchError.self) { try PipelineConfig(document) }
}
