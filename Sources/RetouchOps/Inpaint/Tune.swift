import Foundation

// TEMPORARY tuning knobs (RETOUCH_TUNE="a=1,b=2"); removed before the final commit.
enum Tune {
    static let values: [String: Float] = {
        guard let text = ProcessInfo.processInfo.environment["RETOUCH_TUNE"] else { return [:] }
        var out = [String: Float]()
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=")
            if kv.count == 2, let v = Float(kv[1]) { out[String(kv[0])] = v }
        }
        return out
    }()

    static func get(_ key: String, _ fallback: Float) -> Float { values[key] ?? fallback }
}
