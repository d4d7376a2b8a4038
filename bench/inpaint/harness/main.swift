// Bench harness: runs one inpainting engine on a binary PPM/PGM image and PGM mask and
// prints the seconds the fill took (file I/O excluded) as JSON. PNM keeps the bench free
// of the codec library, so it measures the engines alone.
//
//   inpaint-bench IMAGE.ppm MASK.pgm OUT.ppm ENGINE [SEED] [THREADS] [HINT]
import Foundation
import RetouchCore
import RetouchOps

func readPNM(_ path: String) throws -> Image8 {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var fields = [String](), i = 0
    while fields.count < 4 && i < bytes.count {
        if bytes[i] == UInt8(ascii: "#") {
            while i < bytes.count && bytes[i] != 10 { i += 1 }
        } else if bytes[i] > 32 {
            var token = ""
            while i < bytes.count && bytes[i] > 32 { token.append(Character(UnicodeScalar(bytes[i]))); i += 1 }
            fields.append(token)
            continue
        }
        i += 1
    }
    i += 1
    guard fields.count == 4, let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255" else {
        throw RetouchError(.corruptImage, "\(path): not an 8-bit binary PPM/PGM")
    }
    let channels = fields[0] == "P6" ? 3 : fields[0] == "P5" ? 1 : 0
    guard channels > 0, bytes.count - i >= w * h * channels else {
        throw RetouchError(.corruptImage, "\(path): unsupported or truncated PNM")
    }
    return Image8(width: w, height: h, channels: channels, samples: Array(bytes[i..<(i + w * h * channels)]))
}

func writePNM(_ image: Image8, _ path: String) throws {
    let header = "\(image.channels == 1 ? "P5" : "P6")\n\(image.width) \(image.height)\n255\n"
    try (Data(header.utf8) + Data(image.samples)).write(to: URL(fileURLWithPath: path))
}

let args = CommandLine.arguments
guard args.count >= 5 else {
    FileHandle.standardError.write(Data("usage: inpaint-bench IMAGE.ppm MASK.pgm OUT.ppm ENGINE [SEED] [THREADS] [HINT]\n".utf8))
    exit(2)
}
do {
    let image = try readPNM(args[1])
    let mask = try Mask(image: try readPNM(args[2]))
    let seed = args.count > 5 ? UInt64(args[5]) ?? 0 : 0
    let threads = args.count > 6 ? Int(args[6]) ?? 1 : 1
    let hint = args.count > 7 ? try InpaintHint(parsing: args[7]) : .auto
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try Inpainter.inpaint(image, mask: mask, engine: args[4], hint: hint, seed: seed,
                                       context: OperationContext(threads: threads))
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    try writePNM(result.image, args[3])
    let engines = Dictionary(grouping: result.regions, by: \.engine).mapValues(\.count)
    let json = try JSONSerialization.data(withJSONObject: ["seconds": seconds, "regions": engines], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
