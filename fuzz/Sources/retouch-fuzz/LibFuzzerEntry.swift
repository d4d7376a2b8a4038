import FuzzDriver
import RetouchFuzzEntries

/// libFuzzer's hooks for the decode, mask, regions and config targets.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzDriver.initialize(FuzzTarget.allCases.map { target in
        FuzzHarness(name: target.rawValue, run: { target.run($0) }, seeds: { target.seeds })
    })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOne(data, size)
}
