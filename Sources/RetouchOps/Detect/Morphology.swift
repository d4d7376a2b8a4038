/// Grey-scale morphology on float planes with square windows, using the van Herk / Gil-Werman
/// running extreme: three comparisons per pixel whatever the radius, so wide windows on large
/// text stay cheap.
struct Plane: Sendable {
    let width: Int
    let height: Int
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        self.width = width; self.height = height; self.values = values
    }

    init(width: Int, height: Int, fill: Float = 0) {
        self.init(width: width, height: height, values: [Float](repeating: fill, count: width * height))
    }

    @inline(__always) subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    func eroded(radius: Int) -> Plane { filtered(radius: radius, keepLarger: false) }
    func dilated(radius: Int) -> Plane { filtered(radius: radius, keepLarger: true) }
    /// Removes bright details narrower than the window.
    func opened(radius: Int) -> Plane { eroded(radius: radius).dilated(radius: radius) }
    /// Removes dark details narrower than the window.
    func closed(radius: Int) -> Plane { dilated(radius: radius).eroded(radius: radius) }

    private func filtered(radius: Int, keepLarger: Bool) -> Plane {
        if radius <= 0 || values.isEmpty { return self }
        var out = self
        var line = [Float](), result = [Float]()
        for y in 0..<height {
            line.removeAll(keepingCapacity: true)
            for x in 0..<width { line.append(values[y * width + x]) }
            runningExtreme(line, radius: radius, keepLarger: keepLarger, into: &result)
            for x in 0..<width { out.values[y * width + x] = result[x] }
        }
        let rows = out
        for x in 0..<width {
            line.removeAll(keepingCapacity: true)
            for y in 0..<height { line.append(rows.values[y * width + x]) }
            runningExtreme(line, radius: radius, keepLarger: keepLarger, into: &result)
            for y in 0..<height { out.values[y * width + x] = result[y] }
        }
        return out
    }
}

/// out[i] = extreme of v[i - r ... i + r] (clipped to the line). The line is padded with a
/// neutral value so every window holds exactly 2r+1 entries; blocks of that length get prefix
/// extremes from the left and suffix extremes from the right, and any window is the suffix of
/// one block joined to the prefix of the next.
private func runningExtreme(_ v: [Float], radius r: Int, keepLarger: Bool, into out: inout [Float]) {
    let n = v.count
    out = [Float](repeating: 0, count: n)
    if n == 0 { return }
    let neutral: Float = keepLarger ? -.infinity : .infinity
    let pick: (Float, Float) -> Float = keepLarger ? { max($0, $1) } : { min($0, $1) }
    let k = 2 * r + 1
    let padded = [Float](repeating: neutral, count: r) + v + [Float](repeating: neutral, count: r)
    let m = padded.count
    var prefix = padded, suffix = padded
    for i in 1..<m where i % k != 0 { prefix[i] = pick(prefix[i - 1], padded[i]) }
    for i in stride(from: m - 2, through: 0, by: -1) where (i + 1) % k != 0 { suffix[i] = pick(suffix[i + 1], padded[i]) }
    // Window of output i covers padded[i ... i + 2r].
    for i in 0..<n { out[i] = pick(suffix[i], prefix[i + k - 1]) }
}
