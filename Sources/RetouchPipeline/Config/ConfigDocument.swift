import Foundation
import RetouchCore

/// A value from a config file, with the line it came from so validation errors can point at it.
public struct ConfigValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case number(Double)
        case bool(Bool)
        case strings([String])
    }

    public var kind: Kind
    public var line: Int

    var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .bool: "true or false"
        case .strings: "a list of strings"
        }
    }
}

/// The parsed settings of a `retouch.toml`: a flat map from dotted keys (`upscale.model`) to values.
///
/// The syntax is the subset of TOML a config needs: `[section]` headers, `key = value` lines,
/// `#` comments, and values that are strings in double quotes, integers, decimals, `true`/`false` or
/// arrays of strings. A hand-written parser (rather than a TOML library) keeps every key's line number,
/// so a wrong value is reported where it is, and it is small enough to fuzz.
public struct ConfigDocument: Sendable, Equatable {
    public var source: String
    public private(set) var values: [String: ConfigValue] = [:]

    public init(source: String = "command line") {
        self.source = source
    }

    public init(parsing text: String, source: String) throws {
        self.source = source
        var section = ""
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = Self.stripComment(String(rawLine)).trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                section = try parseSectionHeader(line, lineNumber)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw error(lineNumber, "expected `key = value` or `[section]`, found `\(line)`")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard Self.isValidKey(key) else { throw error(lineNumber, "invalid key `\(key)`") }
            let fullKey = section.isEmpty ? key : "\(section).\(key)"
            guard values[fullKey] == nil else { throw error(lineNumber, "`\(fullKey)` is set twice") }
            let raw = String(line[line.index(after: equals)...]).trimmingWhitespace()
            values[fullKey] = ConfigValue(kind: try parseValue(raw, lineNumber), line: lineNumber)
        }
    }

    /// Sets a value from a `key=value` override, as the command line's `--set` gives them.
    public mutating func set(override: String) throws {
        guard let equals = override.firstIndex(of: "=") else {
            throw RetouchError(.invalidArgument, "--set expects key=value, got `\(override)`")
        }
        let key = String(override[..<equals]).trimmingWhitespace()
        let raw = String(override[override.index(after: equals)...]).trimmingWhitespace()
        guard key.split(separator: ".").allSatisfy({ Self.isValidKey(String($0)) }) else {
            throw RetouchError(.invalidArgument, "--set: invalid key `\(key)`")
        }
        // Bare words are strings on the command line, so `--set upscale.model=waifu2x-photo` works unquoted.
        let kind = (try? parseValue(raw, 0)) ?? .string(raw)
        values[key] = ConfigValue(kind: kind, line: 0)
    }

    public mutating func set(_ key: String, _ kind: ConfigValue.Kind) {
        values[key] = ConfigValue(kind: kind, line: 0)
    }

    func location(of key: String) -> String {
        guard let line = values[key]?.line, line > 0 else { return source }
        return "\(source):\(line)"
    }

    private func parseSectionHeader(_ line: String, _ lineNumber: Int) throws -> String {
        guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
            throw error(lineNumber, "a section header looks like `[name]`")
        }
        let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
        guard name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ Self.isValidKey(String($0)) }) else {
            throw error(lineNumber, "invalid section name `\(name)`")
        }
        return name
    }

    private func parseValue(_ raw: String, _ lineNumber: Int) throws -> ConfigValue.Kind {
        if raw.isEmpty { throw error(lineNumber, "missing value after `=`") }
        if raw.hasPrefix("\"") { return .string(try parseString(raw, lineNumber)) }
        if raw.hasPrefix("[") { return .strings(try parseStringArray(raw, lineNumber)) }
        if raw == "true" { return .bool(true) }
        if raw == "false" { return .bool(false) }
        let digits = raw.replacingOccurrences(of: "_", with: "")
        if let int = Int(digits) { return .integer(int) }
        if let double = Double(digits), double.isFinite { return .number(double) }
        throw error(lineNumber, "cannot read the value `\(raw)`: strings need double quotes")
    }

    private func parseString(_ raw: String, _ lineNumber: Int) throws -> String {
        var result = ""
        var escaped = false
        var closed = false
        for ch in raw.dropFirst() {
            if closed { throw error(lineNumber, "unexpected text after the closing quote in `\(raw)`") }
            if escaped {
                switch ch {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "\\", "\"": result.append(ch)
                default: throw error(lineNumber, "unknown escape `\\\(ch)`")
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                closed = true
            } else {
                result.append(ch)
            }
        }
        guard closed else { throw error(lineNumber, "unterminated string `\(raw)`") }
        return result
    }

    private func parseStringArray(_ raw: String, _ lineNumber: Int) throws -> [String] {
        guard raw.hasSuffix("]") else { throw error(lineNumber, "an array must close with `]` on the same line") }
        let body = String(raw.dropFirst().dropLast()).trimmingWhitespace()
        if body.isEmpty { return [] }
        return try Self.splitArrayItems(body).map { item in
            let trimmed = item.trimmingWhitespace()
            guard trimmed.hasPrefix("\"") else { throw error(lineNumber, "array items must be quoted strings") }
            return try parseString(trimmed, lineNumber)
        }
    }

    /// Splits on commas outside quotes; a trailing comma is allowed.
    private static func splitArrayItems(_ body: String) -> [String] {
        var items: [String] = [], current = "", inString = false, escaped = false
        for ch in body {
            if ch == "," && !inString {
                items.append(current); current = ""; continue
            }
            if inString && ch == "\\" && !escaped { escaped = true } else {
                if ch == "\"" && !escaped { inString.toggle() }
                escaped = false
            }
            current.append(ch)
        }
        if !current.trimmingWhitespace().isEmpty { items.append(current) }
        return items
    }

    /// Drops a `#` comment that is not inside a string.
    private static func stripComment(_ line: String) -> String {
        var inString = false, escaped = false
        for (i, ch) in zip(line.indices, line) {
            if ch == "\\" && inString && !escaped { escaped = true; continue }
            if ch == "\"" && !escaped { inString.toggle() }
            if ch == "#" && !inString { return String(line[..<i]) }
            escaped = false
        }
        return line
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } && key.allSatisfy(\.isASCII)
    }

    private func error(_ line: Int, _ message: String) -> RetouchError {
        RetouchError(.invalidArgument, "\(source):\(line): \(message)")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
