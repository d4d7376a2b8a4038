import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RetouchCore
import RetouchInference
import RetouchOps

// The Swift half of bench/sr (driven by bench/sr/bench.py). Two commands, one JSON line each:
//   sr-bench upscale NAME SCALE IN.ppm OUT.ppm [--tile N] [--budget S] [--repeat N]
//       times the full upscaler (tiling, padding, blending, quantising) and writes the result
//   sr-bench raw MODEL IN.ppm [--repeat N]
//       times one session run on the whole reflect-padded image, the same call Python makes

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Wall and process CPU seconds of `body`. The bench reports CPU time: the machine it runs on
/// is shared, and with one intra-op thread CPU time is the work done, whatever the load.
func seconds(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let start = ContinuousClock.now, cpuStart = cpuNow()
    try body()
    let d = ContinuousClock.now - start
    return (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, cpuNow() - cpuStart)
}

func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func upscale(_ args: [String]) throws {
    let (name, scale, input, output) = (args[0], Int(args[1]) ?? 0, args[2], args[3])
    let options = NeuralOptions(autoBudgetSeconds: Double(option("--budget", in: args) ?? "60") ?? 60,
                                tileSize: option("--tile", in: args).flatMap(Int.init))
    let upscaler = try Registry(kind: "upscale model", NeuralUpscalers.all(config: try InferenceConfig.fromEnvironment(), options: options))
        .lookup(name)
    let image = try PPM.read(input)
    var result = Pixels.u8(image)
    _ = try upscaler.upscale(.u8(Image8(width: 8, height: 8, channels: 3)), scale: scale)  // load sessions, hash files
    var times: [(wall: Double, cpu: Double)] = []
    for _ in 0..<(Int(option("--repeat", in: args) ?? "1") ?? 1) {
        times.append(try seconds { result = try upscaler.upscale(.u8(image), scale: scale) })
    }
    try PPM.write(result.eightBit, to: output)
    emit(["name": name, "scale": scale, "input": input, "width": result.width, "height": result.height,
          "seconds": times.map(\.wall).min() ?? 0, "cpu_seconds": times.map(\.cpu).min() ?? 0])
}

func raw(_ args: [String]) throws {
    let config = try InferenceConfig.fromEnvironment()
    let spec = try ModelCatalog.spec(named: args[0])
    let session = try InferenceRuntime.shared(config).session(modelPath: try ModelFiles.require(spec, in: config))
    let image = try PPM.read(args[1]).padded(EdgeInsets(all: spec.padding.pixels), mode: spec.padding.mode)
    var planes = [Float](repeating: 0, count: 3 * image.pixelCount)
    for p in 0..<image.pixelCount { for c in 0..<3 { planes[c * image.pixelCount + p] = Float(image.samples[p * 3 + c]) / 255 } }
    let tensor = try Tensor(shape: [1, 3, image.height, image.width], values: planes)
    _ = try session.run([spec.inputName: tensor])   // warm-up, as on the Python side
    var times: [(wall: Double, cpu: Double)] = []
    for _ in 0..<(Int(option("--repeat", in: args) ?? "3") ?? 3) {
        times.append(try seconds { _ = try session.run([spec.inputName: tensor]) })
    }
    emit(["model": spec.name, "input": args[1], "seconds": times.map(\.wall).min() ?? 0,
          "cpu_seconds": times.map(\.cpu).min() ?? 0])
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "upscale" where args.count >= 5: try upscale(Array(args.dropFirst()))
    case "raw" where args.count >= 3: try raw(Array(args.dropFirst()))
    default:
        FileHandle.standardError.write(Data("usage: sr-bench upscale NAME SCALE IN OUT [--tile N] [--budget S] [--repeat N] | raw MODEL IN [--repeat N]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("sr-bench: \(error)\n".utf8))
    exit(1)
}
