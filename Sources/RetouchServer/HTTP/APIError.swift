import Foundation
import HTTPTypes
import Hummingbird
import RetouchCore

/// An error as the API reports it: an HTTP status and the JSON body
/// `{"error": {"code": "...", "message": "..."}}`. `code` is stable for clients to match on;
/// `message` says what went wrong and what to do.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers, e.g. `Retry-After` on 429 or `WWW-Authenticate` on 401.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonBody())))
    }

    func jsonBody() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = ErrorBody(error: .init(code: code, message: message))
        return Array((try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8))
    }

    struct ErrorBody: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}

extension APIError {
    static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, "invalid_argument", message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(.notFound, "not_found", message)
    }

    /// Whatever a handler or the framework threw, as the API reports it.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as RetouchError: return APIError(error)
        case let error as HTTPError: return fromFramework(error.status, error.body)
        case let error as any HTTPResponseError: return fromFramework(error.status, nil)
        default: return APIError(.internalServerError, "internal", "internal error: \(error)")
        }
    }

    /// Maps the core error codes to statuses: the client's fault is 4xx, ours is 5xx.
    init(_ error: RetouchError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalidArgument, .emptyFile: .badRequest
        case .unsupportedFormat: .unsupportedMediaType
        case .corruptImage, .truncatedImage, .colorManagement: .unprocessableContent
        case .imageTooLarge: .contentTooLarge
        case .modelMissing: .serviceUnavailable
        case .notFound: .notFound
        case .conflict, .leaseLost: .conflict
        case .io, .encodeFailed, .inference: .internalServerError
        }
        self.init(status, error.code.rawValue, error.message)
    }

    private static func fromFramework(_ status: HTTPResponse.Status, _ message: String?) -> APIError {
        switch status {
        case .notFound:
            return APIError(status, "not_found", message ?? "no such endpoint; the routes are listed in /openapi.yaml")
        case .methodNotAllowed:
            return APIError(status, "method_not_allowed",
                            message ?? "this endpoint does not take that method; see /openapi.yaml")
        case .contentTooLarge:
            return APIError(status, "payload_too_large", message ?? "the request body is over the size limit")
        default:
            return APIError(status, status.code >= 500 ? "internal" : "bad_request", message ?? status.reasonPhrase)
        }
    }
}
