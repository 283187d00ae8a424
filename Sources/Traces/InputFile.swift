package import Foundation

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

    /// Nil when `url` is a regular file (symlinks followed); else why it is not read.
    package static func refusal(_ url: URL) -> Refusal? {
        let resolved = url.resolvingSymlinksInPath()
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved.path) else {
            return Refusal(path: url.path, reason: "no such file")
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
        if let refusal = refusal(url) { throw refusal }
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
            throw Refusal(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// Standard input copied to a temporary file, up to `limit` bytes, and that file's URL.
    package static func spoolStandardInput(limit: Int) throws(Refusal) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("agentperf-stdin-\(UUID().uuidString).jsonl")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let out = try? FileHandle(forWritingTo: url)
        else { throw Refusal(path: "standard input", reason: "cannot make a temporary file to hold it") }
        defer { try? out.close() }
        var total = 0
        while let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
            total += chunk.count
            guard total <= limit else {
                try? FileManager.default.removeItem(at: url)
                throw Refusal(path: "standard input", reason: "longer than \(describe(limit)), the most read")
            }
            out.write(chunk)
        }
        return url
    }

    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? "\(bytes >> 30) GiB" : bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
