import HTTPTypes
import Hummingbird

/// Bearer API keys. Every route needs `Authorization: Bearer KEY` except the public ones:
/// `/healthz` and `/readyz` (probes from orchestrators carry no credentials and learn nothing
/// private), `/openapi.yaml` (the contract is not a secret) and the web page's files (the page
/// asks the user for a key and sends it with its API calls). `/metrics` needs a key, since
/// request counts describe clients' traffic; Prometheus sends one with `authorization`.
/// A key in the query string is refused on every route, valid or not: URLs end up in logs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    static let publicPaths: Set<String> = ["/healthz", "/readyz", "/openapi.yaml"]
    /// Query parameter names clients commonly use for credentials.
    static let credentialParameters: Set<String> = ["api_key", "apikey", "api-key", "key", "token", "access_token",
                                                    "auth", "authorization", "bearer"]

    /// nil when the server runs with `--no-auth` (loopback only): every request is anonymous.
    let keys: (any KeyStore)?
    let cache: KeyVerdictCache

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        try Self.refuseKeyInQuery(request)
        let path = request.uri.path
        if Self.publicPaths.contains(path) || RetouchAPI.isWebPagePath(path) { return try await next(request, context) }
        var context = context
        let principal = try await authenticate(request)
        context.principal = principal
        context.logger[metadataKey: "principal"] = .string(principal.id)
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Principal {
        guard let keys else { return .anonymous }
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("missing API key: send `Authorization: Bearer KEY` (an operator creates keys with "
                                    + "`retouch keys create NAME`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("the Authorization header must be `Bearer KEY`")
        }
        switch try await cache.verify(String(parts[1]).trimmingCharacters(in: .whitespaces), in: keys) {
        case .valid(let record): return Principal(id: record.id, name: record.name)
        case .revoked: throw Self.unauthorized("this API key was revoked; ask for a new one")
        case .invalid: throw Self.unauthorized("invalid API key")
        }
    }

    static func refuseKeyInQuery(_ request: Request) throws {
        for (name, value) in request.uri.queryParameters {
            if credentialParameters.contains(name.lowercased()) || value.hasPrefix(APIKey.prefix) {
                throw APIError(.badRequest, "api_key_in_url",
                               "API keys are not accepted in the URL (`\(name.prefix(40))`), where logs and proxies keep "
                               + "them; send `Authorization: Bearer KEY` instead, and revoke a key that was sent this way")
            }
        }
    }

    private static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, "unauthorized", message, headers: [.wwwAuthenticate: "Bearer"])
    }
}
