import Testing
import RetouchCore
@testable import RetouchPipeline

@Test func seamDistanceIsTheChessboardDistanceToTheFilledRegion() {
    var mask = Image8(width: 37, height: 23, channels: 1)
    var generator = SystemRandomNumberGenerator()
    var filled: [(Int, Int)] = []
    for _ in 0..<6 {
        let x = Int.random(in: 0..<37, using: &generator), y = Int.random(in: 0..<23, using: &generator)
        mask[x, y, 0] = 255
        filled.append((x, y))
    }
    let distance = SeamScore.distanceOutside(mask)
    for y in 0..<23 {
        for x in 0..<37 {
            let exact = filled.map { max(abs($0.0 - x), abs($0.1 - y)) }.min() ?? 7
            #expect(distance[y * 37 + x] == min(exact, 7), "at (\(x), \(y))")
        }
    }
}
