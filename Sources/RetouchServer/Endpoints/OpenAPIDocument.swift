/// The OpenAPI document (Resources/openapi.yaml, embedded in the binary at build time).
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_yaml

    static var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The (method, path) pairs under `paths:`, read from the document's indentation: paths at two
    /// spaces, methods at four. Enough for our own document, which the tests hold to that layout.
    static func operations() -> [RouteSpec] {
        var result: [RouteSpec] = []
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line.hasPrefix("paths:")
                currentPath = nil
                continue
            }
            guard inPaths else { continue }
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.drop { $0 == " " }
            if indent == 2, trimmed.hasSuffix(":"), trimmed.hasPrefix("/") {
                currentPath = String(trimmed.dropLast())
            } else if indent == 4, let path = currentPath, trimmed.hasSuffix(":"),
                      methods.contains(String(trimmed.dropLast())) {
                result.append(RouteSpec(method: String(trimmed.dropLast()).uppercased(), path: path))
            }
        }
        return result
    }
}
