import CZlib

/// The two zlib services the containers need: inflating PNG iCCP data and chunk CRCs.
enum Zlib {
    /// Inflates a zlib stream, giving up (nil) on damage or once the output would pass `limit`
    /// bytes, so a small hostile chunk cannot expand into gigabytes.
    static func inflate(_ input: ArraySlice<UInt8>, limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let copy = Array(input)
        return copy.withUnsafeBufferPointer { src -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.avail_in = UInt32(src.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { dst -> (Int32, Int) in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, dst.count - Int(stream.avail_out))
                }
                guard status == Z_OK || status == Z_STREAM_END, output.count + produced <= limit else { return nil }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END { return output }
                // Z_OK with nothing produced and no input left means the stream was cut short.
                if produced == 0 && stream.avail_in == 0 { return nil }
            }
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }
}
