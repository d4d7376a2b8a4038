import RetouchCore

/// Something registered under a name that the CLI, the API and batch configs all use.
public protocol NamedEntry: Sendable {
    var name: String { get }
    var summary: String { get }
}

/// An ordered set of named entries. Front ends look names up here and nowhere else, so a
/// new operation or model appears in every front end by being registered once.
public struct Registry<Entry: NamedEntry>: Sendable {
    /// What the entries are, for error messages ("upscale model", "inpainting engine").
    public let kind: String
    public private(set) var entries: [Entry]

    public init(kind: String, _ entries: [Entry]) {
        self.kind = kind
        self.entries = []
        for entry in entries { register(entry) }
    }

    public mutating func register(_ entry: Entry) {
        precondition(!entries.contains { $0.name == entry.name }, "\(kind) \(entry.name) registered twice")
        entries.append(entry)
    }

    public var names: [String] { entries.map(\.name) }

    public func lookup(_ name: String) throws -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw RetouchError(.invalidArgument,
                               "unknown \(kind) '\(name)'; choose one of: \(names.joined(separator: ", "))")
        }
        return entry
    }
}
