import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RetouchCore
import RetouchPipeline
import ServiceLifecycle

/// The HTTP API: its settings, the operations it serves (the same registries the CLI uses,
/// handed in by the caller), its key store, limits and metrics. `makeRouter` builds the routes;
/// `makeApplication` the server that runs them under swift-service-lifecycle.
public final class RetouchAPI: Sendable {
    public let settings: ServerSettings
    let resources: StepResources
    let keys: (any KeyStore)?
    let keyCache: KeyVerdictCache
    let jobs: JobServices?
    let limiter: WorkLimiter
    public let metrics: ServerMetrics
    /// Set once shutdown begins: /readyz answers 503 from then on.
    let draining = DrainFlag()

    /// - Parameters:
    ///   - keys: where API keys are checked; nil only with `settings.requireAuth == false`.
    ///   - jobs: the job queue and blobs; without them the job routes answer 503.
    public init(settings: ServerSettings, resources: StepResources, keys: (any KeyStore)?,
                jobs: JobServices? = nil) throws {
        try settings.validate()
        if settings.requireAuth && keys == nil {
            throw RetouchError(.invalidArgument, "authentication is on but no key store was given")
        }
        self.settings = settings
        self.resources = resources
        self.keys = settings.requireAuth ? keys : nil
        keyCache = KeyVerdictCache(seconds: settings.keyCacheSeconds)
        self.jobs = jobs
        limiter = WorkLimiter(workers: settings.workers, queue: settings.queue)
        metrics = ServerMetrics()
    }

    /// The router with every route and middleware, and the list of routes it holds.
    public func makeRouter() -> (router: Router<APIRequestContext>, routes: [RouteSpec]) {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: AccessMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(keys: keys, cache: keyCache))
        let routes = RouteRecorder(router)
        addOperationsRoutes(routes)
        addImageRoutes(routes)
        addTextRoutes(routes)
        addJobRoutes(routes)
        addWebRoutes(router)
        return (router, routes.routes)
    }

    /// The server on `settings.host:settings.port`, running `services` (workers, purgers) beside it.
    /// On graceful shutdown the server stops accepting and finishes the requests in flight first;
    /// then the services stop, in reverse order. Run it beside `drainService()` (see there).
    public func makeApplication(logger: Logger, services: [any Service] = [],
                                onRunning: @escaping @Sendable (_ port: Int) -> Void = { _ in }) -> some ApplicationProtocol {
        let headTimeout = TimeAmount.milliseconds(Int64(settings.headTimeoutSeconds * 1000))
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadGuard(headTimeout: headTimeout)],
            idleTimeout: .milliseconds(Int64(settings.idleTimeoutSeconds * 1000)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: settings.maxHeaderBytes,
                                            maxHeaderListSize: settings.maxHeaderBytes, maxHeaderFieldCount: 200))
        return Application(router: makeRouter().router,
                           server: .http1(configuration: http),
                           configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "retouch"),
                           services: services,
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
                           logger: logger)
    }

    /// A service to run *after* the application in one ServiceGroup, so that (services stopping
    /// in reverse order) it is told of shutdown first: it turns /readyz to 503, keeps everything
    /// served for `settings.drainSeconds`, then returns and lets the server close its listener.
    public func drainService() -> some Service {
        DrainService(flag: draining, seconds: settings.drainSeconds)
    }

    /// Whether shutdown has begun.
    public var isDraining: Bool { draining.isSet }

    /// Reads a request body, refusing one over the limit before reading it when its length is
    /// declared, and one that does not arrive within `bodyTimeoutSeconds`.
    func collectBody(_ request: Request) async throws -> ByteBuffer {
        let limit = settings.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Self.bodyTooLarge(declared, limit)
        }
        let timeout = settings.bodyTimeoutSeconds
        return try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
            group.addTask {
                do {
                    return try await request.body.collect(upTo: limit)
                } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                    throw Self.bodyTooLarge(nil, limit)
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                throw APIError(.requestTimeout, "request_timeout",
                               "the request body did not arrive within \(Int(timeout)) s; send it at once")
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() else { throw APIError.badRequest("no request body") }
            return body
        }
    }

    private static func bodyTooLarge(_ size: Int?, _ limit: Int) -> APIError {
        let what = size.map { "is \($0) bytes" } ?? "is larger"
        return APIError(.contentTooLarge, "payload_too_large",
                        "the request body \(what), over this server's limit of \(limit) bytes (--max-body-mb); "
                        + "send a smaller image")
    }

    static func queryPairs(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

/// A route as registered: what the OpenAPI document must list.
public struct RouteSpec: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var description: String { "\(method) \(path)" }
}

/// Registers routes on the router and remembers each one, so the OpenAPI test compares the
/// document against what the router really holds.
final class RouteRecorder {
    let router: Router<APIRequestContext>
    private(set) var routes: [RouteSpec] = []

    init(_ router: Router<APIRequestContext>) { self.router = router }

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        router.on(RouterPath(path), method: method, use: handler)
        routes.append(RouteSpec(method: method.rawValue, path: path))
    }
}
