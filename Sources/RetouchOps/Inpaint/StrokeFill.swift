import RetouchCore

/// `auto`'s fill for strokes: a weighted mean of fast marching (which carries the edge's
/// colours along isophotes) and the spectral fill (which continues edges and textures
/// across the stroke), optionally with the membrane.
struct StrokeFill {
    var radius: Int
    var diffuseShare: Float = Tune.get("sd", 0.5)
    var membraneShare: Float = Tune.get("sm", 0)

    func run(_ canvas: inout FillCanvas) {
        var diffuse = canvas, spectral = canvas
        FastMarchingFill(radius: radius).run(&diffuse)
        SpectralFill().run(&spectral)
        var membrane = canvas
        if membraneShare > 0 { HarmonicFill().run(&membrane) }
        let ss = 1 - diffuseShare - membraneShare
        for p in 0..<canvas.pixelCount where canvas.state[p] == .fill {
            for c in 0..<canvas.channels {
                let i = p * canvas.channels + c
                canvas.samples[i] = diffuseShare * diffuse.samples[i] + ss * spectral.samples[i]
                    + (membraneShare > 0 ? membraneShare * membrane.samples[i] : 0)
            }
        }
    }
}
