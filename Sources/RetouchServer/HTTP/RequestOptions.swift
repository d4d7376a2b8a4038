import RetouchCodecs

/// A request's option fields read with types. Every key an endpoint accepts is read before
/// `rejectUnknown`, which then refuses anything else, naming what is accepted: a typo in an
/// option name is an error, not a silent default.
struct RequestOptions {
    private let fields: [String: String]
    private var known: [String] = []

    init(_ fields: [String: String]) { self.fields = fields }

    mutating func string(_ key: String, default value: String) -> String {
        take(key) ?? value
    }

    mutating func optionalString(_ key: String) -> String? {
        take(key)
    }

    mutating func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = take(key) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("option `\(key)` must be an integer from \(range.lowerBound) to \(range.upperBound), got `\(text.prefix(40))`")
        }
        return number
    }

    mutating func double(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let text = take(key) else { return value }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw APIError.badRequest("option `\(key)` must be a number from \(range.lowerBound) to \(range.upperBound), got `\(text.prefix(40))`")
        }
        return number
    }

    mutating func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let text = take(key) else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badRequest("option `\(key)` must be true or false, got `\(text.prefix(40))`")
        }
    }

    func rejectUnknown() throws {
        let unknown = fields.keys.filter { !known.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        throw APIError.badRequest("unknown option `\(first.prefix(60))`; this endpoint takes: \(known.joined(separator: ", "))")
    }

    private mutating func take(_ key: String) -> String? {
        if !known.contains(key) { known.append(key) }
        return fields[key]
    }
}

/// The `format` and `quality` options every image-returning endpoint takes.
struct OutputChoice: Sendable {
    /// nil keeps the input's format.
    var format: ImageFormat?
    var quality: Int

    init(_ options: inout RequestOptions) throws {
        let name = options.string("format", default: "same")
        if name == "same" {
            format = nil
        } else if let format = ImageFormat(fileExtension: name) {
            self.format = format
        } else {
            throw APIError.badRequest("option `format` must be same, jpeg, png or webp, got `\(name.prefix(40))`")
        }
        quality = try options.int("quality", default: EncodeOptions().quality, in: 1...100)
    }

    func format(for input: ImageFormat) -> ImageFormat { format ?? input }
}
