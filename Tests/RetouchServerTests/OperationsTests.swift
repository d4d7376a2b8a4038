import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RetouchServer

@Suite("Health, readiness, metrics and the OpenAPI document")
struct OperationsTests {
    @Test("/healthz, /readyz and /openapi.yaml answer without a key")
    func publicEndpoints() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("ok"))
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let readiness = try response.json([String: AnyDecodable].self)
                #expect(readiness["status"]?.string == "ready")
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }

    @Test("/metrics needs a key and counts requests by route and status, with latency histograms")
    func metrics() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            var headers = server.auth
            headers[.contentType] = "image/png"
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: try testImage())) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/models", method: .get, headers: server.auth) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: server.auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"retouch_http_requests_total{route="/v1/upscale",method="POST",status="200"} 1"#))
                #expect(text.contains(#"retouch_http_requests_total{route="/v1/models",method="GET",status="200"} 1"#))
                #expect(text.contains(#"retouch_http_requests_total{route="/metrics",method="GET",status="401"} 1"#))
                #expect(text.contains("retouch_http_request_duration_seconds_bucket"))
                #expect(text.contains(#"retouch_step_seconds_count{step="upscale"} 1"#))
                #expect(text.contains("retouch_work_queue_depth 0"))
                #expect(text.contains("retouch_work_capacity 6"))
            }
        }
    }

    @Test("every route in the router is in /openapi.yaml, and every documented operation is a route")
    func openAPIMatchesRoutes() async throws {
        let server = try await TestServer()
        let registered = Set(server.api.makeRouter().routes)
        let documented = OpenAPIDocument.operations()
        #expect(!documented.isEmpty)
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let undocumented = registered.subtracting(documented)
        let unrouted = Set(documented).subtracting(registered)
        #expect(undocumented.isEmpty, "routes missing from openapi.yaml: \(undocumented.sorted { $0.description < $1.description })")
        #expect(unrouted.isEmpty, "documented but not routed: \(unrouted.sorted { $0.description < $1.description })")
    }

    @Test("each documented operation reaches a handler in the real router (not the 404 for unknown routes)")
    func documentedOperationsAreRouted() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            for operation in OpenAPIDocument.operations() {
                let uri = operation.path.replacingOccurrences(of: "{id}", with: "00000000-0000-0000-0000-000000000000")
                    .replacingOccurrences(of: "{n}", with: "0")
                try await client.execute(uri: uri, method: .init(operation.method)!, headers: server.auth) { response in
                    let error = response.status.code >= 400 ? try? response.json(ErrorBody.self) : nil
                    #expect(!(response.status == .notFound && error?.error.message.contains("no such endpoint") == true),
                            "\(operation) is documented but the router has no route for it")
                    #expect(response.status != .methodNotAllowed, "\(operation)")
                }
            }
        }
    }
}

/// Just enough JSON decoding to read one string field of an object with mixed values.
struct AnyDecodable: Decodable {
    var string: String?
    init(from decoder: any Decoder) throws {
        string = try? decoder.singleValueContainer().decode(String.self)
    }
}
