/// A binary min-heap of (key, pixel index) pairs: the narrow band of fast marching.
struct MinHeap {
    private var keys: [Float] = []
    private var items: [Int32] = []

    init(capacity: Int) {
        keys.reserveCapacity(capacity)
        items.reserveCapacity(capacity)
    }

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ key: Float, _ item: Int) {
        keys.append(key)
        items.append(Int32(item))
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if keys[parent] <= keys[i] { break }
            keys.swapAt(parent, i); items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Int? {
        guard let lastKey = keys.popLast(), let lastItem = items.popLast() else { return nil }
        if keys.isEmpty { return Int(lastItem) }
        let top = Int(items[0])
        keys[0] = lastKey; items[0] = lastItem
        var i = 0
        let n = keys.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && keys[l] < keys[m] { m = l }
            if r < n && keys[r] < keys[m] { m = r }
            if m == i { break }
            keys.swapAt(m, i); items.swapAt(m, i)
            i = m
        }
        return top
    }
}
