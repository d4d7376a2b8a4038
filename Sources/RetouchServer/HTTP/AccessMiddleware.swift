import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives each request its id and records how it ended: one structured log line and the
/// request metrics. Outermost, so it sees the final status of every request, errors included.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: ServerMetrics

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.clientRequestID(request) ?? context.id
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = APIError.from(error).response()
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.requestFinished(route: route, method: request.method.rawValue, status: response.status.code,
                                seconds: seconds)
        response.headers[Self.requestIDHeader] = context.requestID
        context.logger.log(level: response.status.code >= 500 ? .error : .info, "request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "seconds": .string(String(format: "%.4f", seconds)),
        ])
        return response
    }

    /// A client's own request id, when it is a safe token: it ends up in our logs.
    private static func clientRequestID(_ request: Request) -> String? {
        guard let value = request.headers[requestIDHeader], (1...64).contains(value.utf8.count),
              value.utf8.allSatisfy(isTokenByte) else { return nil }
        return value
    }
}

/// ASCII letters, digits, `-`, `_` and `.`.
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
    default: false
    }
}

/// Turns every error below it into the API's JSON error response, and logs server faults.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": .string(String(describing: error))])
            }
            return apiError.response()
        }
    }
}
