import HTTPTypes
import Hummingbird

/// The web page: the editor at `/`, the batch page at `/batch`, their scripts and styles under
/// `/web/`. Public, like /openapi.yaml: the files hold no secrets, and the page sends the key the
/// user types with each API call. Not in the OpenAPI document, which describes the API only.
extension RetouchAPI {
    static let pages: [String: String] = ["/": "index.html", "/batch": "batch.html"]
    static let assetPrefix = "/web/"

    /// Whether a path is one of the page's files (the auth middleware lets these through).
    static func isWebPagePath(_ path: String) -> Bool {
        pages[path] != nil || path.hasPrefix(assetPrefix)
    }

    func addWebRoutes(_ router: Router<APIRequestContext>) {
        for (path, file) in Self.pages {
            router.get(RouterPath(path)) { request, _ in try Self.serveAsset(file, request) }
        }
        router.get(RouterPath(Self.assetPrefix + "{file}")) { request, context in
            try Self.serveAsset(context.parameters.get("file") ?? "", request)
        }
    }

    /// The CSP keeps the page to its own scripts and its own API: an injected script could
    /// otherwise read the key the user typed into the page.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' blob:; "
        + "img-src 'self' blob: data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

    static func serveAsset(_ name: String, _ request: Request) throws -> Response {
        guard let asset = WebAssets.files[name] else {
            throw APIError.notFound("the web page has no file named '\(name.prefix(80))'")
        }
        var headers: HTTPFields = [
            .eTag: asset.etag,
            // Revalidate on every load: file names carry no version, and a 304 costs little.
            .cacheControl: "no-cache",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        if asset.contentType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        if let tags = request.headers[.ifNoneMatch],
           tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
