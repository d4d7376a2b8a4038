/// Just enough of the ONNX Runtime C API to create sessions and run float tensors, declared
/// here because no reachable package ships `onnxruntime_c_api.h`.
///
/// `OrtGetApiBase()` is the library's only exported entry point; `GetApi(version)` returns
/// `struct OrtApi`, a table of function pointers that only ever grows, so a position, once
/// assigned, never changes. Each position below was counted in `struct OrtApi` of the public
/// header microsoft/onnxruntime include/onnxruntime/core/session/onnxruntime_c_api.h (commit
/// 0017800f6539412b364502d8b59c11463a6411e6, ORT_API_VERSION 13), member by member. A wrong
/// position calls the wrong function and crashes, which is why `InferenceRuntime` runs a
/// self-check on a tiny model at start-up and the tests run a real one.
enum OrtSlot: Int {
    case getErrorCode = 1
    case getErrorMessage = 2
    case createEnv = 3
    case createSession = 7
    case createSessionFromArray = 8
    case run = 9
    case createSessionOptions = 10
    case setSessionGraphOptimizationLevel = 23
    case setIntraOpNumThreads = 24
    case sessionGetInputCount = 30
    case sessionGetOutputCount = 31
    case sessionGetInputName = 36
    case sessionGetOutputName = 37
    case createTensorWithDataAsOrtValue = 49
    case getTensorMutableData = 51
    case getTensorElementType = 60
    case getDimensionsCount = 61
    case getDimensions = 62
    case getTensorTypeAndShape = 65
    case createCpuMemoryInfo = 69
    case allocatorFree = 76
    case getAllocatorWithDefaultOptions = 78
    case releaseEnv = 92
    case releaseStatus = 93
    case releaseMemoryInfo = 94
    case releaseSession = 95
    case releaseValue = 96
    case releaseTensorTypeAndShapeInfo = 99
    case releaseSessionOptions = 100
    case getAvailableProviders = 125
    case releaseAvailableProviders = 126
    case sessionOptionsAppendExecutionProviderCUDAV2 = 204
    case createCUDAProviderOptions = 205
    case releaseCUDAProviderOptions = 208
}

/// The oldest API version that has every slot above (the CUDA V2 calls arrived in 1.11).
/// The table is append-only, so any newer runtime serves these positions unchanged.
let ortRequiredAPIVersion: UInt32 = 11

// Constants from the same header.
let ortLoggingLevelError: Int32 = 3          // ORT_LOGGING_LEVEL_ERROR
let ortEnableAll: Int32 = 99                 // GraphOptimizationLevel ORT_ENABLE_ALL
let ortDeviceAllocator: Int32 = 0            // OrtAllocatorType OrtDeviceAllocator
let ortMemTypeDefault: Int32 = 0             // OrtMemType OrtMemTypeDefault
let ortTensorFloat: Int32 = 1                // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

/// Every `ORT_API2_STATUS` function returns an `OrtStatus*`: null on success.
typealias OrtStatusPtr = OpaquePointer?
typealias OrtOut = UnsafeMutablePointer<OpaquePointer?>
typealias CString = UnsafePointer<CChar>

// C signatures, in the header's parameter order.
typealias OrtGetApiFn = @convention(c) (UInt32) -> UnsafeRawPointer?
typealias OrtGetVersionStringFn = @convention(c) () -> CString?
typealias OrtGetApiBaseFn = @convention(c) () -> UnsafeRawPointer?
typealias OrtGetErrorCodeFn = @convention(c) (OpaquePointer) -> Int32
typealias OrtGetErrorMessageFn = @convention(c) (OpaquePointer) -> CString?
typealias OrtCreateEnvFn = @convention(c) (Int32, CString, OrtOut) -> OrtStatusPtr
typealias OrtCreateSessionFn = @convention(c) (OpaquePointer, CString, OpaquePointer, OrtOut) -> OrtStatusPtr
typealias OrtCreateSessionFromArrayFn = @convention(c) (OpaquePointer, UnsafeRawPointer, Int, OpaquePointer, OrtOut) -> OrtStatusPtr
typealias OrtRunFn = @convention(c) (OpaquePointer, OpaquePointer?, UnsafePointer<CString?>, UnsafePointer<OpaquePointer?>, Int,
                                     UnsafePointer<CString?>, Int, OrtOut) -> OrtStatusPtr
typealias OrtCreateSessionOptionsFn = @convention(c) (OrtOut) -> OrtStatusPtr
typealias OrtSetOptionInt32Fn = @convention(c) (OpaquePointer, Int32) -> OrtStatusPtr
typealias OrtSessionGetCountFn = @convention(c) (OpaquePointer, UnsafeMutablePointer<Int>) -> OrtStatusPtr
typealias OrtSessionGetNameFn = @convention(c) (OpaquePointer, Int, OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> OrtStatusPtr
typealias OrtCreateTensorWithDataFn = @convention(c) (OpaquePointer, UnsafeMutableRawPointer, Int, UnsafePointer<Int64>, Int, Int32, OrtOut) -> OrtStatusPtr
typealias OrtGetTensorMutableDataFn = @convention(c) (OpaquePointer, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> OrtStatusPtr
typealias OrtGetTensorElementTypeFn = @convention(c) (OpaquePointer, UnsafeMutablePointer<Int32>) -> OrtStatusPtr
typealias OrtGetDimensionsCountFn = @convention(c) (OpaquePointer, UnsafeMutablePointer<Int>) -> OrtStatusPtr
typealias OrtGetDimensionsFn = @convention(c) (OpaquePointer, UnsafeMutablePointer<Int64>, Int) -> OrtStatusPtr
typealias OrtGetTensorTypeAndShapeFn = @convention(c) (OpaquePointer, OrtOut) -> OrtStatusPtr
typealias OrtCreateCpuMemoryInfoFn = @convention(c) (Int32, Int32, OrtOut) -> OrtStatusPtr
typealias OrtAllocatorFreeFn = @convention(c) (OpaquePointer, UnsafeMutableRawPointer?) -> OrtStatusPtr
typealias OrtGetAllocatorFn = @convention(c) (OrtOut) -> OrtStatusPtr
typealias OrtReleaseFn = @convention(c) (OpaquePointer?) -> Void
typealias OrtGetAvailableProvidersFn = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                                      UnsafeMutablePointer<Int32>) -> OrtStatusPtr
typealias OrtReleaseAvailableProvidersFn = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) -> OrtStatusPtr
typealias OrtAppendCUDAV2Fn = @convention(c) (OpaquePointer, OpaquePointer) -> OrtStatusPtr
