import Foundation
import Traces

/// Writes report files (`--html`, `--markdown`): to the file the user named (replacing one that is there), never over
/// an input or into a run directory's own files, with a clear error for a path that cannot be written.
enum ReportFile {
    /// Refuses `path` before any work is done: a directory, a missing parent directory, one of the
    /// inputs, or a run directory's own file (traces.jsonl, summary.json, config.json, prices.json).
    static func check(_ path: String, flag: String = "--html", inputs: [String]) throws {
        let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        let manager = FileManager.default
        let example = flag == "--html" ? "report.html" : "summary.md"
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw CommandFailure.badInput("\(flag) \(path): expected a file name (\(example))")
        }
        if manager.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure.badInput("\(flag) \(path): is a directory; name a file in it (\(path)/\(example))")
        }
        let parent = target.deletingLastPathComponent()
        guard manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.badInput("\(flag) \(path): the directory \(parent.path) does not exist")
        }
        let runFiles: Set<String> = [RunDirectory.traces, RunDirectory.summary, RunDirectory.config, RunDirectory.prices]
        if runFiles.contains(target.lastPathComponent),
            manager.fileExists(atPath: parent.appendingPathComponent(RunDirectory.traces).path)
        {
            throw CommandFailure.badInput(
                "\(flag) \(path): that is a run directory's \(target.lastPathComponent); name another file (\(example))")
        }
        for input in inputs {
            let url = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
            if url.path == target.path || url.appendingPathComponent(RunDirectory.traces).path == target.path {
                throw CommandFailure.badInput("\(flag) \(path): that is an input; name another file (\(example))")
            }
        }
    }

    /// Checks `path` again (the inputs may have changed) and writes `text` to it atomically.
    static func write(_ text: String, to path: String, flag: String = "--html", inputs: [String]) throws {
        try check(path, flag: flag, inputs: inputs)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.badInput("\(flag) \(path): cannot write the file (\(FileErrors.describe(error)))")
        }
        Terminal.err("\(flag == "--html" ? "HTML report" : "Markdown summary"): \(path)\n")
    }
}

/// A run given on the command line: its directory, or its traces file (the directory is then
/// the file's).
struct RunPath {
    let directory: URL
    let traces: URL

    /// `expected` says what the argument should have been, for the error when it does not exist.
    init(_ path: String, expected: String = "a run directory or a traces .jsonl file") throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure.badInput("\(path) does not exist; expected \(expected)")
        }
        directory = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        traces = isDirectory.boolValue ? url.appendingPathComponent(RunDirectory.traces) : url
    }
}
