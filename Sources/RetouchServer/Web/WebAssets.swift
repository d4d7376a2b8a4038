import Crypto

/// The web page's files (Resources/web), embedded in the binary at build time so a copied
/// `retouch` binary serves its page with nothing beside it.
enum WebAssets {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        /// A strong validator from the bytes, so browsers revalidate cheaply (304) instead of
        /// keeping a stale page after the binary is upgraded.
        var etag: String
    }

    /// Every file under Resources/web by name. SwiftPM flattens them into `PackageResources`,
    /// one constant per file; a test checks this table against the folder.
    static let files: [String: Asset] = {
        let embedded: [(String, [UInt8])] = [
            ("index.html", PackageResources.index_html),
            ("batch.html", PackageResources.batch_html),
            ("app.css", PackageResources.app_css),
            ("api.js", PackageResources.api_js),
            ("editor.js", PackageResources.editor_js),
            ("stage.js", PackageResources.stage_js),
            ("mask.js", PackageResources.mask_js),
            ("history.js", PackageResources.history_js),
            ("batch.js", PackageResources.batch_js),
            ("zip.js", PackageResources.zip_js),
        ]
        var table: [String: Asset] = [:]
        for (name, bytes) in embedded {
            table[name] = Asset(bytes: bytes, contentType: contentType(for: name), etag: etag(bytes))
        }
        return table
    }()

    static func contentType(for name: String) -> String {
        switch name.split(separator: ".").last.map(String.init) {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }

    private static func etag(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        return "\"" + digest.prefix(12).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined() + "\""
    }
}
