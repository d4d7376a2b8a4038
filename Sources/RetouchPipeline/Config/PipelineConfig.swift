import RetouchCore

/// The two built-in step orders. Switching between them is the A/B experiment and the roll-back.
public enum PipelineOrder: String, Sendable, Codable, CaseIterable {
    /// Clean at the source resolution, then upscale the clean image.
    case removeFirst = "remove-first"
    /// Upscale first, then detect and clean at the output resolution.
    case upscaleFirst = "upscale-first"
}

/// Everything a batch run is configured by. Defaults are the embedded configuration; a
/// `retouch.toml` and command-line overrides change them key by key.
public struct PipelineConfig: Sendable, Codable, Equatable {
    public var order: PipelineOrder = .removeFirst
    /// Explicit step names; nil means the built-in list for `order`.
    public var steps: [String]?
    public var route = true
    public var threshold = 0.6
    public var concurrency = 2
    public var threadsPerImage = 1

    public var upscaleScale = 2
    public var upscaleModel = "lanczos3"

    public var eraseEngine = "auto"
    public var eraseMinScore = 0.5
    public var eraseFullBoxes = false
    public var eraseDilate = 3

    public var inpaintEngine = "auto"
    public var maskDir: String?
    public var inpaintDilate = 4
    public var inpaintHint = "auto"

    /// "same" keeps the input's format; otherwise jpg, png or webp.
    public var outputFormat = "same"
    public var outputQuality = 92
    public var keepMetadata = false
    public var maxPixels = 100_000_000

    public var qaEnabled = true
    /// Outputs whose residual p(overlay) is above this are rejected.
    public var qaMaxResidual = 0.5
    /// Outputs whose seam score around filled regions is above this are rejected: the ratio of
    /// gradient energy on a fill's border to that of the surroundings, minus one.
    public var qaMaxSeam = 1.0

    public var costPerCPUHour = 0.05
    /// Charged for the run's wall-clock time: a rented GPU is paid for while the batch holds it.
    public var costPerGPUHour = 0.0
    public var costPerImage = 0.0
    public var currency = "USD"

    /// Long side of the before/after thumbnails in the HTML report; 0 writes none.
    public var reportThumbnailSize = 160

    public var costRates: CostRates {
        CostRates(cpuHour: costPerCPUHour, gpuHour: costPerGPUHour, perImage: costPerImage, currency: currency)
    }

    public init() {}

    /// Reads and validates a config document. Unknown keys, wrong types and values out of range
    /// are errors that name the file and line.
    public init(_ document: ConfigDocument) throws {
        self.init()
        var reader = ConfigReader(document)
        if let v: String = try reader.string("order") {
            guard let order = PipelineOrder(rawValue: v) else {
                throw reader.invalid("order", "must be remove-first or upscale-first")
            }
            self.order = order
        }
        steps = try reader.strings("steps") ?? steps
        route = try reader.bool("route") ?? route
        threshold = try reader.number("threshold", in: 0...1) ?? threshold
        concurrency = try reader.integer("concurrency", in: 1...256) ?? concurrency
        threadsPerImage = try reader.integer("threads_per_image", in: 0...256) ?? threadsPerImage

        upscaleScale = try reader.integer("upscale.scale", in: 1...4) ?? upscaleScale
        upscaleModel = try reader.string("upscale.model") ?? upscaleModel

        eraseEngine = try reader.string("erase.engine") ?? eraseEngine
        eraseMinScore = try reader.number("erase.min_score", in: 0...1) ?? eraseMinScore
        eraseFullBoxes = try reader.bool("erase.full_boxes") ?? eraseFullBoxes
        eraseDilate = try reader.integer("erase.dilate", in: 0...64) ?? eraseDilate

        inpaintEngine = try reader.string("inpaint.engine") ?? inpaintEngine
        maskDir = try reader.string("inpaint.mask_dir") ?? maskDir
        inpaintDilate = try reader.integer("inpaint.dilate", in: 0...64) ?? inpaintDilate
        inpaintHint = try reader.string("inpaint.hint") ?? inpaintHint

        if let format: String = try reader.string("output.format") {
            guard ["same", "jpg", "jpeg", "png", "webp"].contains(format) else {
                throw reader.invalid("output.format", "must be same, jpg, png or webp")
            }
            outputFormat = format
        }
        outputQuality = try reader.integer("output.quality", in: 1...100) ?? outputQuality
        keepMetadata = try reader.bool("output.keep_metadata") ?? keepMetadata
        maxPixels = try reader.integer("input.max_pixels", in: 1...Int.max) ?? maxPixels

        qaEnabled = try reader.bool("qa.enabled") ?? qaEnabled
        qaMaxResidual = try reader.number("qa.max_residual", in: 0...1) ?? qaMaxResidual
        qaMaxSeam = try reader.number("qa.max_seam", in: 0...100) ?? qaMaxSeam

        costPerCPUHour = try reader.number("cost.cpu_hour", in: 0...1_000_000) ?? costPerCPUHour
        costPerGPUHour = try reader.number("cost.gpu_hour", in: 0...1_000_000) ?? costPerGPUHour
        costPerImage = try reader.number("cost.per_image", in: 0...1_000_000) ?? costPerImage
        currency = try reader.string("cost.currency") ?? currency
        reportThumbnailSize = try reader.integer("report.thumbnail_size", in: 0...1024) ?? reportThumbnailSize

        try reader.rejectUnknownKeys()
    }

    /// Every key a config file may set, for `retouch config keys` and error suggestions.
    public static let keys = [
        "order", "steps", "route", "threshold", "concurrency", "threads_per_image",
        "upscale.scale", "upscale.model",
        "erase.engine", "erase.min_score", "erase.full_boxes", "erase.dilate",
        "inpaint.engine", "inpaint.mask_dir", "inpaint.dilate", "inpaint.hint",
        "output.format", "output.quality", "output.keep_metadata", "input.max_pixels",
        "qa.enabled", "qa.max_residual", "qa.max_seam",
        "cost.cpu_hour", "cost.gpu_hour", "cost.per_image", "cost.currency", "report.thumbnail_size",
    ]
}

/// What a batch costs: CPU time, the wall-clock time of a GPU, and a fixed price per image.
public struct CostRates: Sendable, Equatable {
    public var cpuHour: Double
    public var gpuHour: Double
    public var perImage: Double
    public var currency: String

    public init(cpuHour: Double, gpuHour: Double = 0, perImage: Double = 0, currency: String = "USD") {
        self.cpuHour = cpuHour
        self.gpuHour = gpuHour
        self.perImage = perImage
        self.currency = currency
    }

    public func cost(cpuSeconds: Double, wallSeconds: Double, images: Int) -> Double {
        cpuSeconds / 3600 * cpuHour + wallSeconds / 3600 * gpuHour + Double(images) * perImage
    }
}

/// Typed access to a `ConfigDocument` that remembers which keys were used.
struct ConfigReader {
    let document: ConfigDocument
    private var used: Set<String> = []

    init(_ document: ConfigDocument) { self.document = document }

    mutating func string(_ key: String) throws -> String? {
        guard let value = take(key) else { return nil }
        guard case .string(let s) = value.kind else { throw wrongType(key, value, "a string in double quotes") }
        return s
    }

    mutating func strings(_ key: String) throws -> [String]? {
        guard let value = take(key) else { return nil }
        guard case .strings(let s) = value.kind else { throw wrongType(key, value, "a list of strings") }
        return s
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let value = take(key) else { return nil }
        guard case .bool(let b) = value.kind else { throw wrongType(key, value, "true or false") }
        return b
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = take(key) else { return nil }
        guard case .integer(let i) = value.kind else { throw wrongType(key, value, "an integer") }
        guard range.contains(i) else {
            throw invalid(key, "must be between \(range.lowerBound) and \(range.upperBound == Int.max ? "any" : String(range.upperBound)) (got \(i))")
        }
        return i
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = take(key) else { return nil }
        let number: Double
        switch value.kind {
        case .integer(let i): number = Double(i)
        case .number(let d): number = d
        default: throw wrongType(key, value, "a number")
        }
        guard range.contains(number) else {
            throw invalid(key, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
        }
        return number
    }

    func rejectUnknownKeys() throws {
        let unknown = document.values.keys.filter { !used.contains($0) }.sorted {
            (document.values[$0]?.line ?? 0, $0) < (document.values[$1]?.line ?? 0, $1)
        }
        guard let key = unknown.first else { return }
        let hint = PipelineConfig.keys.first { $0.hasSuffix(key.split(separator: ".").last.map(String.init) ?? key) }
        throw invalid(key, "is not a setting" + (hint.map { "; did you mean `\($0)`?" } ?? "; see README for the keys"))
    }

    func invalid(_ key: String, _ message: String) -> RetouchError {
        RetouchError(.invalidArgument, "\(document.location(of: key)): `\(key)` \(message)")
    }

    private mutating func take(_ key: String) -> ConfigValue? {
        used.insert(key)
        return document.values[key]
    }

    private func wrongType(_ key: String, _ value: ConfigValue, _ expected: String) -> RetouchError {
        invalid(key, "must be \(expected), not \(value.typeName)")
    }
}
