import Hummingbird

/// Who made a request: the API key it carried, or nobody when authentication is off.
public struct Principal: Sendable, Equatable {
    /// The key's id; jobs and idempotency keys are scoped to it.
    public var id: String
    public var name: String

    /// The principal of every request on a server started with `--no-auth`.
    public static let anonymous = Principal(id: "anonymous", name: "anonymous")
}

/// The per-request state the middlewares fill in for the handlers.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the auth middleware; nil only on the public endpoints.
    public var principal: Principal?
    /// The id that the logs, the `X-Request-Id` header and error reports share.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }

    /// The principal, which every non-public route has once the auth middleware ran.
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw APIError(.unauthorized, "unauthorized", "this endpoint needs an API key")
        }
        return principal
    }
}
