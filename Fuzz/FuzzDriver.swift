#if FUZZING
import Foundation

/// libFuzzer's driver, declared by hand (it has no Swift module).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target libFuzzer calls back (a C callback cannot capture, so it is kept here).
nonisolated(unsafe) var fuzzedTarget: FuzzTarget?

/// libFuzzer's own entry point, which its runtime references even when `main` is ours.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    fuzzedTarget?.run(data)
    return 0
}

enum FuzzDriver {
    static func run(_ target: FuzzTarget, arguments: [String]) -> Never {
        fuzzedTarget = target
        var argc = Int32(arguments.count)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let status = pointers.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var argv = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in fuzzTestOneInput(bytes, count) }
        }
        exit(status)
    }
}
#endif
