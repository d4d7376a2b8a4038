import Foundation
import Testing
import RetouchFuzzEntries
import RetouchServerFuzzEntries

/// Replays, through the fuzz targets' own entry points, every input the fuzzer ever crashed on
/// (Regressions/TARGET/, where fuzz/run.sh files them) and every seed. A crash here is a crash
/// the product had; the entry points check the same invariants as during fuzzing.
@Suite struct FuzzRegressionTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regressions")

    static func savedInputs(_ target: String) throws -> [URL] {
        let folder = regressions.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzTarget.allCases)
    func savedCrashesNoLongerCrash(target: FuzzTarget) throws {
        for file in try Self.savedInputs(target.rawValue) {
            target.run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test func savedMultipartCrashesNoLongerCrash() throws {
        for file in try Self.savedInputs(MultipartFuzzTarget.name) {
            MultipartFuzzTarget.run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedsRunCleanly(target: FuzzTarget) {
        #expect(!target.seeds.isEmpty)
        for seed in target.seeds { target.run(seed.bytes) }
    }

    @Test func multipartSeedsRunCleanly() {
        #expect(!MultipartFuzzTarget.seeds.isEmpty)
        for seed in MultipartFuzzTarget.seeds { MultipartFuzzTarget.run(seed.bytes) }
    }

    @Test func everyTargetHasARegressionFolder() throws {
        for target in FuzzTarget.allCases.map(\.rawValue) + [MultipartFuzzTarget.name] {
            var isFolder: ObjCBool = false
            let path = Self.regressions.appendingPathComponent(target).path
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue, "\(path)")
        }
    }
}
