import Foundation
import RetouchCore
@testable import RetouchInference
import Testing

@Suite struct CatalogTests {
    @Test func namesAreUniqueAndEntriesAreComplete() {
        let names = ModelCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for spec in ModelCatalog.all {
            #expect((16...48).contains(spec.overlap), "\(spec.name) overlap")
            #expect(spec.blend <= spec.overlap, "\(spec.name) blend")
            #expect(spec.sha256.count == 64, "\(spec.name) sha256")
            // Downloaded models are pinned to a package version; our own say how to retrain them.
            #expect(spec.source.contains("==") || spec.recipe != nil, "\(spec.name) source")
        }
        #expect(throws: RetouchError.self) { try ModelCatalog.spec(named: "nope") }
    }

    @Test func catalogChecksumsMatchTheInstallScriptsList() throws {
        // scripts/models/SHA256SUMS is what install_models.sh checks; both must agree.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("scripts/models/SHA256SUMS"), encoding: .utf8)
        var sums: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { sums[String(parts[1])] = String(parts[0]) }
        }
        for spec in ModelCatalog.all { #expect(sums[spec.file] == spec.sha256, "\(spec.file)") }
    }

    @Test func sha256MatchesKnownVectors() {
        var empty = SHA256()
        #expect(empty.finalizeHex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256()
        abc.update(Array("abc".utf8))
        #expect(abc.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Crosses block boundaries in uneven pieces.
        var long = SHA256()
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        long.update(Array(message[0..<5]))
        long.update(Array(message[5...]))
        #expect(long.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func missingAndCorruptFilesAreReportedWithTheFix() throws {
        let spec = try ModelCatalog.spec(named: "waifu2x-photo")
        let missing = ModelFiles.status(of: spec, in: InferenceConfig(modelsDirectory: "/nonexistent"))
        #expect(missing.message.contains("scripts/install_models.sh"))
        let dir = URL(fileURLWithPath: try temporaryFile("placeholder", contents: [])).deletingLastPathComponent()
        let corruptDir = dir.appendingPathComponent("corrupt-models")
        try FileManager.default.createDirectory(at: corruptDir.appendingPathComponent("waifu2x"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: corruptDir.appendingPathComponent(spec.file))
        let corrupt = ModelFiles.status(of: spec, in: InferenceConfig(modelsDirectory: corruptDir.path))
        guard case .corrupt = corrupt else { Issue.record("expected corrupt, got \(corrupt)"); return }
        #expect(throws: RetouchError.self) { try ModelFiles.require(spec, in: InferenceConfig(modelsDirectory: corruptDir.path)) }
    }

    @Test func installedModelsAreIntact() throws {
        let config = try installedConfig()
        for spec in ModelCatalog.all {
            #expect(ModelFiles.status(of: spec, in: config) == .available, "\(spec.name): run scripts/install_models.sh")
        }
    }
}
