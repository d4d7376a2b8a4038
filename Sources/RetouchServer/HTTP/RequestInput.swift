import Foundation
import Hummingbird

/// A file a request carried.
package struct UploadedFile: Sendable {
    /// The form field it came in (`image_file`, `mask_file`).
    package var field: String
    /// The client's file name, when it gave one; used only to name results.
    package var filename: String?
    package var bytes: [UInt8]
}

/// What a request to an image endpoint carried: images, masks and option fields.
///
/// Two encodings are accepted. `multipart/form-data` with the image in `image_file`, a mask in
/// `mask_file` and options as text fields; or the raw image as the body (`image/jpeg`,
/// `image/png`, `image/webp`, `application/octet-stream`) with options as query parameters.
/// Query parameters are accepted with multipart too; an option given twice is an error rather
/// than a silent choice. `package` so the multipart fuzz target drives exactly this parser.
package struct RequestInput: Sendable {
    static let imageField = "image_file"
    static let maskField = "mask_file"
    /// Text fields longer than this are refused: options are short, a config file is a few KB.
    package static let maxFieldBytes = 256 * 1024

    package var images: [UploadedFile] = []
    /// `mask_file` parts in the order sent: one for a single-image endpoint, one per image (or
    /// named after its image) for a job.
    package var masks: [UploadedFile] = []
    package var fields: [String: String] = [:]

    /// Parses the body; CPU work on up to `maxBodyBytes`, so callers run it on the work pool.
    package static func parse(body: ByteBuffer, contentType: String?, query: [(String, String)]) throws -> RequestInput {
        var input = RequestInput()
        for (key, value) in query { try input.addField(key, value) }
        let mediaType = contentType.map(MediaTypeHeader.init) ?? MediaTypeHeader("application/octet-stream")
        switch mediaType.type {
        case "multipart/form-data":
            guard let boundary = mediaType.parameters["boundary"], (1...70).contains(boundary.utf8.count) else {
                throw APIError.badRequest("multipart/form-data needs a boundary parameter of 1 to 70 characters")
            }
            try input.addParts(of: body, boundary: boundary)
        case "image/jpeg", "image/png", "image/webp", "application/octet-stream":
            guard body.readableBytes > 0 else {
                throw APIError.badRequest("the request body is empty; send the image as the body or as the "
                                          + "\(imageField) field of a multipart/form-data request")
            }
            input.images.append(UploadedFile(field: imageField, filename: nil, bytes: Array(body.readableBytesView)))
        default:
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "Content-Type \(mediaType.type) is not accepted here: send multipart/form-data with an "
                           + "\(imageField) field, or the raw image as image/jpeg, image/png, image/webp or "
                           + "application/octet-stream")
        }
        return input
    }

    /// The one image of a single-image endpoint.
    func singleImage() throws -> UploadedFile {
        guard let image = images.first else {
            throw APIError.badRequest("no image: send it in the \(Self.imageField) field or as the request body")
        }
        guard images.count == 1 else {
            throw APIError.badRequest("this endpoint takes one image, got \(images.count); use POST /v1/jobs for several")
        }
        return image
    }

    /// The mask of a single-image endpoint, if one was sent.
    func singleMask() throws -> UploadedFile? {
        guard masks.count <= 1 else { throw APIError.badRequest("\(Self.maskField) is given \(masks.count) times; give one mask") }
        return masks.first
    }

    private mutating func addField(_ key: String, _ value: String) throws {
        guard fields[key] == nil else {
            throw APIError.badRequest("option `\(key)` is given twice; give it once")
        }
        fields[key] = value
    }

    private mutating func addParts(of body: ByteBuffer, boundary: String) throws {
        let form: MultipartForm
        do {
            form = try MultipartForm(body: Array(body.readableBytesView), boundary: boundary)
        } catch let error as MultipartForm.Malformed {
            throw APIError.badRequest("the multipart/form-data body is malformed (boundary \(boundary)): \(error); "
                                      + "let your HTTP client build it (curl -F image_file=@photo.jpg)")
        }
        guard !form.parts.isEmpty else {
            throw APIError.badRequest("the multipart/form-data body has no part; send the image in the \(Self.imageField) field")
        }
        for part in form.parts { try addPart(part) }
    }

    private mutating func addPart(_ part: MultipartForm.Part) throws {
        guard let disposition = part.header("content-disposition") else {
            throw APIError.badRequest("a multipart part has no Content-Disposition header naming its field")
        }
        let parsed = MediaTypeHeader(disposition)
        guard let name = parsed.parameters["name"], !name.isEmpty else {
            throw APIError.badRequest("a multipart part has no field name (Content-Disposition: form-data; name=...)")
        }
        switch name {
        case Self.imageField:
            images.append(UploadedFile(field: name, filename: parsed.parameters["filename"], bytes: Array(part.body)))
        case Self.maskField:
            masks.append(UploadedFile(field: name, filename: parsed.parameters["filename"], bytes: Array(part.body)))
        default:
            guard part.body.count <= Self.maxFieldBytes else {
                throw APIError(.contentTooLarge, "payload_too_large",
                               "field `\(name)` is \(part.body.count) bytes, over the \(Self.maxFieldBytes)-byte limit for text fields")
            }
            guard let text = String(validating: part.body, as: UTF8.self) else {
                throw APIError.badRequest("field `\(name)` is not UTF-8 text; only \(Self.imageField) and \(Self.maskField) take files")
            }
            try addField(name, text)
        }
    }
}

/// A header value of the form `type; key=value; key="quoted value"` (Content-Type,
/// Content-Disposition). Type and keys are lowercased; values keep their case.
struct MediaTypeHeader {
    var type: String
    var parameters: [String: String] = [:]

    init(_ header: String) {
        let pieces = Self.splitOutsideQuotes(header)
        type = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            if parameters[key] == nil { parameters[key] = value }
        }
    }

    private static func splitOutsideQuotes(_ text: String) -> [String] {
        var pieces: [String] = [], current = "", quoted = false, escaped = false
        for ch in text {
            if ch == ";" && !quoted {
                pieces.append(current); current = ""; continue
            }
            if quoted && ch == "\\" && !escaped { escaped = true } else {
                if ch == "\"" && !escaped { quoted.toggle() }
                escaped = false
            }
            current.append(ch)
        }
        pieces.append(current)
        return pieces
    }
}
