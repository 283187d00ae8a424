// agentperf-fuzz TARGET [FILES…]: runs each input file through one reader (the replay mode of
// every normal build: reproduce a crash from its file). Built with -DFUZZING and
// -sanitize=fuzzer (scripts/fuzz.sh), the same command hands TARGET to libFuzzer's driver,
// which takes the remaining arguments (corpus directories, -max_total_time=…).
//
// Written by hand because SwiftPM has no fuzzing support: libFuzzer is reached through its
// public `LLVMFuzzerRunDriver` entry (LLVM ≥ 11), so this executable keeps its own `main` and
// builds, unfuzzed, with the rest of the package.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget.all.first(where: { $0.name == arguments[1] }) else {
    FileHandle.standardError.write(
        Data(
            "usage: agentperf-fuzz TARGET [FILES or libFuzzer options]; targets: \(FuzzTarget.all.map(\.name).joined(separator: ", "))\n"
                .utf8))
    exit(2)
}

#if FUZZING
FuzzDriver.run(target, arguments: [arguments[0]] + arguments.dropFirst(2))
#else
for path in arguments.dropFirst(2) {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("\(path): cannot read\n".utf8))
        exit(2)
    }
    target.run(data)
    print("\(path): \(target.name) read it without a crash")
}
#endif
