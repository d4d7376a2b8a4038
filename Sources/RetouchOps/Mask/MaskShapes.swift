import Foundation
import RetouchCore

/// A shape to remove, in image pixel coordinates.
public enum MaskShape: Sendable, Equatable {
    /// `x, y` top-left, `width x height` pixels.
    case box(Rect)
    /// Vertices in order; a pixel is covered when its centre lies inside (even-odd rule).
    case polygon([(x: Double, y: Double)])

    public static func == (a: MaskShape, b: MaskShape) -> Bool {
        switch (a, b) {
        case (.box(let r), .box(let s)): r == s
        case (.polygon(let p), .polygon(let q)): p.count == q.count && zip(p, q).allSatisfy { $0 == $1 }
        default: false
        }
    }
}

/// A mask drawn from shapes, plus what had to be adjusted on the way.
public struct ShapeMask: Sendable {
    public var mask: Mask
    /// Shapes that reached past the image edge and were clipped, one line each.
    public var warnings: [String]
}

extension MaskShape {
    /// Largest coordinate magnitude a shape may use. Far beyond any image Retouch reads (PNG's
    /// limit is 1,000,000 a side), and small enough that corner sums and pixel conversions can
    /// never overflow: coordinates like 1e300 or Int.max come from broken or hostile input.
    public static let coordinateLimit = 1 << 24

    /// Refuses shapes whose numbers are out of range, naming where they came from.
    func checkCoordinates(_ origin: String) throws {
        let values: [Double] = switch self {
        case .box(let r): [r.x, r.y, r.width, r.height].map(Double.init)
        case .polygon(let v): v.flatMap { [$0.x, $0.y] }
        }
        guard values.allSatisfy(Self.isWithinLimit) else { throw Self.outOfRange(origin) }
    }

    static func isWithinLimit(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= Double(coordinateLimit)
    }

    static func outOfRange(_ origin: String) -> RetouchError {
        RetouchError(.invalidArgument,
                     "\(origin) has coordinates beyond ±\(coordinateLimit); give pixel positions within the image")
    }

    /// Parses `x,y,w,h` (integers, width and height positive), as given to `--box`.
    public static func box(parsing text: String) throws -> MaskShape {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let v = parts.compactMap { Int($0) }
        guard parts.count == 4, v.count == 4 else {
            throw RetouchError(.invalidArgument, "box '\(text)' must be four integers x,y,w,h (e.g. 10,20,100,50)")
        }
        guard v[2] > 0, v[3] > 0 else {
            throw RetouchError(.invalidArgument, "box '\(text)' needs a positive width and height")
        }
        let shape = MaskShape.box(Rect(x: v[0], y: v[1], width: v[2], height: v[3]))
        try shape.checkCoordinates("box '\(text)'")
        return shape
    }

    /// Parses a regions file. The schema is either an object with a `regions` array or that
    /// array alone; each entry is an object with exactly one of
    ///
    ///     {"box": [x, y, w, h]}                     integers; w, h > 0
    ///     {"polygon": [[x, y], [x, y], [x, y], ...]}  at least 3 vertices; numbers may be fractional
    ///
    /// e.g. `{"regions": [{"box": [10, 20, 100, 50]}, {"polygon": [[0, 0], [40, 0], [20, 30]]}]}`.
    /// Other keys in an entry are ignored, so labels or scores may ride along.
    public static func regions(json data: [UInt8]) throws -> [MaskShape] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(data), options: [])
        } catch {
            throw RetouchError(.invalidArgument, "the regions file is not valid JSON (\(error.localizedDescription))")
        }
        let list: [Any]
        if let array = root as? [Any] {
            list = array
        } else if let object = root as? [String: Any], let array = object["regions"] as? [Any] {
            list = array
        } else {
            throw RetouchError(.invalidArgument, Self.schemaHelp("the top level must be an array or {\"regions\": [...]}"))
        }
        return try list.enumerated().map { try shape(from: $1, index: $0) }
    }

    private static func shape(from value: Any, index: Int) throws -> MaskShape {
        guard let entry = value as? [String: Any] else {
            throw RetouchError(.invalidArgument, schemaHelp("region \(index) is not an object"))
        }
        switch (entry["box"], entry["polygon"]) {
        case (let box?, nil):
            guard let v = numbers(box), v.count == 4, v.allSatisfy({ $0 == $0.rounded() }) else {
                throw RetouchError(.invalidArgument, schemaHelp("region \(index): \"box\" must be [x, y, w, h] integers"))
            }
            guard v[2] > 0, v[3] > 0 else {
                throw RetouchError(.invalidArgument, "region \(index): box needs a positive width and height")
            }
            // Checked while still Double: converting 1e300 to Int would trap.
            guard v.allSatisfy(isWithinLimit) else { throw outOfRange("region \(index)") }
            return .box(Rect(x: Int(v[0]), y: Int(v[1]), width: Int(v[2]), height: Int(v[3])))
        case (nil, let polygon?):
            guard let points = polygon as? [Any] else {
                throw RetouchError(.invalidArgument, schemaHelp("region \(index): \"polygon\" must be an array of [x, y]"))
            }
            let vertices = try points.map { point -> (x: Double, y: Double) in
                guard let v = numbers(point), v.count == 2 else {
                    throw RetouchError(.invalidArgument, schemaHelp("region \(index): each polygon vertex must be [x, y]"))
                }
                return (v[0], v[1])
            }
            guard vertices.count >= 3 else {
                throw RetouchError(.invalidArgument, "region \(index): a polygon needs at least 3 vertices, got \(vertices.count)")
            }
            let shape = MaskShape.polygon(vertices)
            try shape.checkCoordinates("region \(index)")
            return shape
        default:
            throw RetouchError(.invalidArgument, schemaHelp("region \(index) must have exactly one of \"box\" or \"polygon\""))
        }
    }

    private static func numbers(_ value: Any) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        let v = array.compactMap { ($0 as? NSNumber)?.doubleValue }
        return v.count == array.count && v.allSatisfy(\.isFinite) ? v : nil
    }

    private static func schemaHelp(_ problem: String) -> String {
        "regions file: \(problem); expected [{\"box\": [x, y, w, h]}, {\"polygon\": [[x, y], ...]}] "
            + "or {\"regions\": [...]}"
    }
}

extension Mask {
    /// Draws `shapes` on an empty mask of `size`. Shapes partly outside the image are clipped
    /// (and reported in `warnings`); a shape wholly outside is an error, since it usually means
    /// the coordinates belong to another image.
    public static func drawing(_ shapes: [MaskShape], size: Size) throws -> ShapeMask {
        var mask = Mask(size: size)
        var warnings = [String]()
        let frame = Rect(size: size)
        for (index, shape) in shapes.enumerated() {
            // Shapes made in code skip the parsers' checks; bounds below must not overflow.
            try shape.checkCoordinates("shape \(index) (\(shape.label))")
            let bounds = shape.bounds
            if bounds.intersection(frame).isEmpty {
                throw RetouchError(.invalidArgument,
                                   "shape \(index) (\(shape.label)) lies outside the \(size) image")
            }
            if !frame.contains(bounds) {
                warnings.append("shape \(index) (\(shape.label)) reaches past the \(size) image and was clipped")
            }
            switch shape {
            case .box(let rect): mask.fill(rect.intersection(frame))
            case .polygon(let vertices): mask.fillPolygon(vertices)
            }
        }
        return ShapeMask(mask: mask, warnings: warnings)
    }

    mutating func fill(_ rect: Rect) {
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX { isHole[y * width + x] = true }
        }
    }

    /// Even-odd scanline fill sampling pixel centres.
    mutating func fillPolygon(_ vertices: [(x: Double, y: Double)]) {
        let n = vertices.count
        var crossings = [Double]()
        for y in 0..<height {
            let cy = Double(y) + 0.5
            crossings.removeAll(keepingCapacity: true)
            for i in 0..<n {
                let a = vertices[i], b = vertices[(i + 1) % n]
                // Half-open in y so a vertex shared by two edges is counted once.
                if (a.y <= cy) != (b.y <= cy) {
                    crossings.append(a.x + (cy - a.y) * (b.x - a.x) / (b.y - a.y))
                }
            }
            crossings.sort()
            var i = 0
            while i + 1 < crossings.count {
                // Pixel x is inside when its centre x + 0.5 lies in [left, right).
                let first = Swift.max(0, Int((crossings[i] - 0.5).rounded(.up)))
                let last = Swift.min(width - 1, Int((crossings[i + 1] - 0.5).rounded(.up)) - 1)
                if first <= last {
                    for x in first...last { isHole[y * width + x] = true }
                }
                i += 2
            }
        }
    }
}

extension MaskShape {
    /// Integer bounds of the shape (polygons: of the pixels whose centres could be inside).
    var bounds: Rect {
        switch self {
        case .box(let rect): return rect
        case .polygon(let v):
            let xs = v.map(\.x), ys = v.map(\.y)
            let x0 = Int((xs.min() ?? 0).rounded(.down)), y0 = Int((ys.min() ?? 0).rounded(.down))
            let x1 = Int((xs.max() ?? 0).rounded(.up)), y1 = Int((ys.max() ?? 0).rounded(.up))
            return Rect(x: x0, y: y0, width: Swift.max(1, x1 - x0), height: Swift.max(1, y1 - y0))
        }
    }

    var label: String {
        switch self {
        case .box(let r): "box \(r.x),\(r.y),\(r.width),\(r.height)"
        case .polygon(let v): "polygon of \(v.count) vertices"
        }
    }
}
