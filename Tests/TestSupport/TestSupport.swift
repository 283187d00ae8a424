public import Foundation

/// Paths and helpers shared by the test targets.
public enum Fixtures {
    /// The package root, found from this source file's location.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Real traces and wire recordings (copied from ../shared/data/real with their provenance,
    /// see Tests/Fixtures/real/README.md).
    public static let realData = packageRoot.appendingPathComponent("Tests/Fixtures/real")

    public static func real(_ path: String) -> URL { realData.appendingPathComponent(path) }

    /// Streams written from the providers' documentation (Tests/Fixtures/docs/README.md).
    public static func docs(_ path: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/docs").appendingPathComponent(path)
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "agentperf-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` and returns its URL.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        let file = file(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The built `agentperf` executable, next to the test bundle in the build directory.
public enum AgentPerfBinary {
    public static var url: URL {
        let testBinary = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test bundle is a plain executable in the build directory; on macOS it is
        // a bundle whose binary sits in Contents/MacOS.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("agentperf")
    }
}

/// The result of running a process to completion.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a real subprocess.
public enum Subprocesses {
    /// The history every `agentperf` a test starts writes to, unless the test names another.
    public static let historyForTests = FileManager.default.temporaryDirectory.appendingPathComponent(
        "agentperf-tests-\(ProcessInfo.processInfo.processIdentifier)/history.sqlite")

    /// Runs `executable` with `arguments` and waits for it.
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        let process = try start(executable, arguments, in: directory, environment: environment)
        return finish(process)
    }

    /// Starts a process with captured output; finish it with `finish(_:)`.
    /// `environment` adds to (or replaces) this process's variables. Unless it names one, the
    /// run history goes to a file of this test process's own (`historyForTests`), never the user's.
    public static func start(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> RunningProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["AGENTPERF_HISTORY"] = historyForTests.path
        process.environment = variables.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = try TemporaryFile(), err = try TemporaryFile()
        process.standardOutput = out.handle
        process.standardError = err.handle
        try process.run()
        return RunningProcess(process: process, stdout: out, stderr: err)
    }

    public static func finish(_ running: RunningProcess) -> ProcessOutput {
        running.process.waitUntilExit()
        return ProcessOutput(
            status: running.process.terminationStatus, stdout: running.stdout.contents(), stderr: running.stderr.contents())
    }
}

/// A process started by `Subprocesses.start`.
public struct RunningProcess: @unchecked Sendable {
    // Process is thread-safe for the calls made here (signal, wait, status).
    public let process: Process
    let stdout: TemporaryFile
    let stderr: TemporaryFile

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// What the process has written to standard error so far (it may still be running).
    public var stderrSoFar: String { stderr.peek() }

    /// What the process has written to standard output so far (it may still be running).
    public var stdoutSoFar: String { stdout.peek() }
}

/// Output is captured through files rather than pipes so a chatty child never blocks on a full pipe.
struct TemporaryFile: @unchecked Sendable {
    let url: URL
    let handle: FileHandle

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agentperf-out-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    /// The text so far, the file kept.
    func peek() -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// The whole text; the file is removed.
    func contents() -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: url)
        return text
    }
}
