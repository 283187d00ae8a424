package import Foundation
import Synchronization

/// What AgentPerf reads from disk, bounded: only regular files (a FIFO or a device such as
/// `/dev/zero` would be read forever), never more than a stated size, and standard input only
/// when it is named (`-` or `/dev/stdin`), spooled to a file first so it can be read twice
/// (detection, then import).
package enum InputFile {
    /// Why a file cannot be read, with the path and the limit that was hit.
    package struct Refusal: Error, Sendable, CustomStringConvertible, LocalizedError {
        package var path: String
        package var reason: String
        package var description: String { "\(path): \(reason)" }
        /// The reason alone: callers that wrap it name the path themselves.
        package var errorDescription: String? { reason }
    }

    /// Whether `path` names standard input.
    package static func isStandardInput(_ path: String) -> Bool { path == "-" || path == "/dev/stdin" }

    /// Nil when `url` is a regular file (symlinks followed) of at most `limit` bytes; else why it
    /// is not read.
    package static func refusal(_ url: URL, limit: Int? = nil) -> Refusal? {
        let resolved = url.resolvingSymlinksInPath()
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved.path) else {
            return Refusal(path: url.path, reason: "no such file")
        }
        if let limit, let size = attributes[.size] as? Int, size > limit {
            return Refusal(path: url.path, reason: "larger than \(describe(limit)), the most read into memory")
        }
        let type = attributes[.type] as? FileAttributeType
        guard type == .typeRegular else {
            let kind =
                type == .typeDirectory
                ? "a directory" : type == .typeCharacterSpecial || type == .typeBlockSpecial ? "a device" : "not a regular file"
            return Refusal(path: url.path, reason: "\(kind), not a file to read (name - for standard input)")
        }
        return nil
    }

    /// The whole file, refused when it is not a regular file or is larger than `limit` bytes.
    package static func read(_ url: URL, limit: Int) throws(Refusal) -> Data {
        if let refusal = refusal(url, limit: limit) { throw refusal }
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else {
                throw Refusal(path: url.path, reason: "larger than \(describe(limit)), the most read into memory")
            }
            return data
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal(path: url.path, reason: "cannot be read (\(FileErrors.describe(error)))")
        }
    }

    /// Standard input copied to a temporary file, up to `limit` bytes, and that file's URL. The
    /// file is named by its first bytes (`.eval` for a zip archive, else `.jsonl`) so that format
    /// detection sees what a file on disk would show, and removed when the process exits.
    package static func spoolStandardInput(limit: Int) throws(Refusal) -> URL {
        try spool(FileHandle.standardInput, limit: limit)
    }

    static func spool(_ input: FileHandle, limit: Int) throws(Refusal) -> URL {
        let name = "agentperf-stdin-\(UUID().uuidString)"
        var url = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".jsonl")
        // Owner-only: standard input may hold prompts and code, and the temporary directory is shared.
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let out = try? FileHandle(forWritingTo: url)
        else { throw Refusal(path: "standard input", reason: "cannot make a temporary file to hold it") }
        SpooledFiles.removeAtExit(url)
        var total = 0
        var first: Data?
        do {
            defer { try? out.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                total += chunk.count
                guard total <= limit else {
                    throw Refusal(path: "standard input", reason: "longer than \(describe(limit)), the most read")
                }
                if first == nil { first = chunk }
                try out.write(contentsOf: chunk)
            }
        } catch let refusal as Refusal {
            try? FileManager.default.removeItem(at: url)
            throw refusal
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw Refusal(path: "standard input", reason: "cannot be read or spooled (\(FileErrors.describe(error)))")
        }
        if first?.starts(with: [0x50, 0x4B, 0x03, 0x04]) == true {  // "PK\u{3}\u{4}": a zip archive
            let archive = url.deletingPathExtension().appendingPathExtension("eval")
            guard (try? FileManager.default.moveItem(at: url, to: archive)) != nil else {
                throw Refusal(path: "standard input", reason: "cannot rename the spooled archive")
            }
            SpooledFiles.removeAtExit(archive)
            url = archive
        }
        return url
    }

    /// A byte count as a limit is named: `512 MiB`, `4 GiB`.
    package static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? "\(bytes >> 30) GiB" : bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

/// Spooled copies of standard input, removed when the process exits (they must outlive the
/// read: detection and import each open the file).
private enum SpooledFiles {
    static let paths = Mutex<[String]>([])
    static let registered = Mutex(false)

    static func removeAtExit(_ url: URL) {
        paths.withLock { $0.append(url.path) }
        let first = registered.withLock { registered in
            defer { registered = true }
            return !registered
        }
        if first {
            atexit {
                for path in SpooledFiles.paths.withLock({ $0 }) { unlink(path) }
            }
        }
    }
}
