import FuzzDriver
import RetouchServerFuzzEntries

/// libFuzzer's hooks for the server's multipart reader (a binary of its own: it links the HTTP stack).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzDriver.initialize([FuzzHarness(name: MultipartFuzzTarget.name, run: { MultipartFuzzTarget.run($0) },
                                       seeds: { MultipartFuzzTarget.seeds })])
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOne(data, size)
}
