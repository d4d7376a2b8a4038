import Foundation
import RetouchCodecs
import RetouchCore
import Testing

/// Runs the built `retouch` binary (it sits next to the test bundle) and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func retouch(_ arguments: String...) throws -> CLIResult {
    try retouch(arguments: arguments)
}

func retouch(arguments: [String]) throws -> CLIResult {
    let exe = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    let binary = exe.deletingLastPathComponent().appendingPathComponent("retouch")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus,
                     stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: stderr, as: UTF8.self))
}

extension CLIResult {
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 0, "retouch failed: \(stderr)", sourceLocation: sourceLocation)
    }
}

/// A fresh directory for one test's files.
func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "retouch-cli-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A smooth colourful test image written as a PNG.
func writeTestImage(_ path: String, width: Int = 48, height: Int = 32, channels: Int = 3) throws {
    let buffer = Image8(width: width, height: height, channels: channels) { x, y, c in
        c == 3 ? UInt8(128 + (x % 2) * 127) : UInt8((x * 5 + y * 3 + c * 60) % 256)
    }
    try ImageFile.write(Image(buffer), to: path)
}
