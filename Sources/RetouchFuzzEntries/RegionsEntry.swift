import RetouchCore
import RetouchOps

/// The regions JSON (`--regions`, the inpaint endpoint's `boxes`) and `--box x,y,w,h` text,
/// drawn on canvases of a few sizes as `Mask.drawing` does for a request.
enum RegionsEntry {
    static let canvases = [Size(width: 64, height: 48), Size(width: 1, height: 1), Size(width: 300, height: 7)]

    static func run(_ bytes: [UInt8]) {
        var shapes = (try? MaskShape.regions(json: bytes)) ?? []
        if bytes.count <= 256, let box = try? MaskShape.box(parsing: String(decoding: bytes, as: UTF8.self)) {
            shapes.append(box)
        }
        guard !shapes.isEmpty else { return }
        for size in canvases {
            guard let drawn = try? Mask.drawing(shapes, size: size) else { continue }
            require(drawn.mask.size == size, "drawing on \(size) gave a \(drawn.mask.size) mask")
            require(drawn.warnings.count <= shapes.count, "more warnings than shapes")
        }
    }
}
