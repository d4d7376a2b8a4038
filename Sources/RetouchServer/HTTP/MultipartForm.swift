import Foundation

/// A `multipart/form-data` body (RFC 7578 over RFC 2046) split into its parts.
///
/// Written here rather than taken from multipart-kit 4.7.1: its header-name check indexes a
/// 128-entry table with the raw byte, so one byte >= 0x80 in a part's header name trapped the whole
/// server (found by the `multipart` fuzz target; the input is in its regression folder). This
/// reader works on the collected body, which the body limit already bounds, and refuses anything
/// it does not understand with a `MultipartForm.Malformed` naming what was wrong.
struct MultipartForm {
    struct Part {
        /// Header names lowercased, values trimmed; in the order sent.
        var headers: [(name: String, value: String)]
        var body: ArraySlice<UInt8>

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Bounds on what a form may declare, so a hostile body costs no more than its bytes.
    static let maxHeaderBytes = 8 * 1024
    static let maxHeadersPerPart = 16
    static let maxParts = 1024

    private(set) var parts: [Part] = []

    private static let crlf: [UInt8] = [13, 10]

    /// Splits `body` on `--boundary` lines. Everything before the first delimiter (the preamble)
    /// and after the closing one (the epilogue) is ignored, as RFC 2046 says.
    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        guard let first = Self.find(delimiter, in: body, from: 0, atLineStart: true) else {
            throw Malformed(description: "no `--\(boundary)` line opens the first part")
        }
        var position = first + delimiter.count
        while true {
            if Self.hasPrefix([45, 45], in: body, at: position) { return }
            position = try Self.endOfDelimiterLine(body, after: position)
            guard parts.count < Self.maxParts else {
                throw Malformed(description: "more than \(Self.maxParts) parts")
            }
            let (headers, bodyStart) = try Self.headers(body, from: position)
            guard let next = Self.find(Self.crlf + delimiter, in: body, from: bodyStart, atLineStart: false) else {
                throw Malformed(description: "part \(parts.count + 1) has no closing `--\(boundary)` line; was the body cut short?")
            }
            parts.append(Part(headers: headers, body: body[bodyStart..<next]))
            position = next + 2 + delimiter.count
        }
    }

    /// After a delimiter: optional spaces or tabs (transport padding), then CRLF.
    private static func endOfDelimiterLine(_ body: [UInt8], after start: Int) throws -> Int {
        var position = start
        while position < body.count, body[position] == 32 || body[position] == 9 { position += 1 }
        guard hasPrefix(crlf, in: body, at: position) else {
            throw Malformed(description: "a boundary line does not end in CRLF")
        }
        return position + 2
    }

    /// Header lines up to the empty line; returns them and where the part's body starts.
    private static func headers(_ body: [UInt8], from start: Int) throws -> ([(name: String, value: String)], Int) {
        var headers: [(name: String, value: String)] = []
        var position = start
        while true {
            guard let end = find(crlf, in: body, from: position, atLineStart: false) else {
                throw Malformed(description: "a part's headers do not end; was the body cut short?")
            }
            guard end - start <= maxHeaderBytes else {
                throw Malformed(description: "a part's headers are over \(maxHeaderBytes) bytes")
            }
            if end == position { return (headers, end + 2) }
            guard headers.count < maxHeadersPerPart else {
                throw Malformed(description: "a part has more than \(maxHeadersPerPart) headers")
            }
            headers.append(try header(body[position..<end]))
            position = end + 2
        }
    }

    /// `name: value`, where the name is an RFC 9110 token and the value any bytes up to the CRLF:
    /// file names arrive in UTF-8 and sometimes with control characters, which the server makes
    /// visible when it names results (`RetouchAPI.displayName`) rather than refusing the upload.
    private static func header(_ line: ArraySlice<UInt8>) throws -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
              line[..<colon].allSatisfy(isTokenByte) else {
            throw Malformed(description: "a part has a header line that is not `Name: value`")
        }
        let value = line[(colon + 1)...]
        return (String(decoding: line[..<colon], as: UTF8.self).lowercased(),
                String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces))
    }

    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            tokenPunctuation.contains(byte)
        }
    }

    private static func hasPrefix(_ prefix: [UInt8], in body: [UInt8], at position: Int) -> Bool {
        position >= 0 && position + prefix.count <= body.count && body[position..<(position + prefix.count)].elementsEqual(prefix)
    }

    /// The first index at or after `from` where `needle` starts; with `atLineStart`, only where it
    /// begins the body or follows CRLF (a delimiter must start a line).
    private static func find(_ needle: [UInt8], in body: [UInt8], from: Int, atLineStart: Bool) -> Int? {
        guard !needle.isEmpty, from >= 0, from <= body.count - needle.count else { return nil }
        return body.withUnsafeBufferPointer { haystack -> Int? in
            guard let base = haystack.baseAddress else { return nil }
            var start = from
            // memchr to each candidate first byte, then a compare: linear, and fast on image bytes.
            while start <= haystack.count - needle.count {
                guard let hit = memchr(base + start, Int32(needle[0]), haystack.count - needle.count + 1 - start) else {
                    return nil
                }
                let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if haystack[index..<(index + needle.count)].elementsEqual(needle),
                   !atLineStart || index == 0 || (index >= 2 && haystack[index - 2] == 13 && haystack[index - 1] == 10) {
                    return index
                }
                start = index + 1
            }
            return nil
        }
    }
}
