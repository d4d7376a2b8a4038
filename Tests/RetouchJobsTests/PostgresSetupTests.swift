import Foundation
import RetouchCore
import RetouchJobs
import Testing

/// Connecting: mistakes in the URL or an absent server give an error that says so, never a hang.
@Suite struct PostgresSetupTests {
    @Test(arguments: ["mysql://u@h/db", "postgres:///db", "not a url", "postgres://u@h/db?sslmode=maybe"])
    func malformedURLsAreRefused(url: String) async throws {
        let error = await expectError(.invalidArgument) { _ = try await PostgresJobStore(url: url) }
        #expect(error?.message.contains("postgres://USER") == true)
    }

    @Test(arguments: ["Public", "1jobs", "jobs; DROP TABLE jobs", ""])
    func unusableSchemaNamesAreRefused(schema: String) async throws {
        await expectError(.invalidArgument) {
            _ = try await PostgresJobStore(url: "postgres://postgres@127.0.0.1:1/x", schema: schema)
        }
    }

    @Test func anUnreachableServerIsAClearErrorWithoutThePassword() async throws {
        let error = await expectError(.io) {
            _ = try await PostgresJobStore(url: "postgres://postgres:secret@127.0.0.1:1/retouch?sslmode=disable",
                                           connectTimeoutSeconds: 2)
        }
        #expect(error?.message.contains("127.0.0.1:1") == true)
        #expect(error?.message.contains("secret") == false)
    }
}
