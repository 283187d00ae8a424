import Foundation
import Testing

@testable import Traces

@Suite struct InputFileTests {
    /// A pipe holding `bytes`, closed for writing.
    static func pipe(_ bytes: [UInt8]) throws -> FileHandle {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data(bytes))
        try pipe.fileHandleForWriting.close()
        return pipe.fileHandleForReading
    }

    @Test("standard input is spooled under a name that matches its first bytes: a zip archive is .eval")
    func spoolNamesByContent() throws {
        let archive = try InputFile.spool(
            try Self.pipe([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 60)), limit: 1 << 20)
        let lines = try InputFile.spool(try Self.pipe(Array("{\"record\":\"run\"}\n".utf8)), limit: 1 << 20)
        defer { for url in [archive, lines] { try? FileManager.default.removeItem(at: url) } }
        #expect(archive.pathExtension == "eval" && lines.pathExtension == "jsonl")
        #expect(try Data(contentsOf: lines) == Data("{\"record\":\"run\"}\n".utf8))
    }

    @Test("input past the limit is refused with the limit named, and nothing is left behind")
    func spoolLimit() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("agentperf-stdin-")
        }
        #expect {
            _ = try InputFile.spool(try Self.pipe(Array(repeating: 0x41, count: 5000)), limit: 4096)
        } throws: { error in
            (error as? InputFile.Refusal)?.reason.contains("longer than 4096 bytes") == true
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("agentperf-stdin-")
        }
        #expect(Set(after).subtracting(before).isEmpty)
    }

    @Test("a file larger than the limit is refused by its size")
    func readRefusesBySize() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("agentperf-size-\(UUID().uuidString)")
        try Data(repeating: 0x41, count: 5000).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: InputFile.Refusal.self) { try InputFile.read(url, limit: 4096) }
        #expect(InputFile.refusal(url, limit: 4096)?.reason.contains("larger than 4096 bytes") == true)
        #expect(try InputFile.read(url, limit: 5000).count == 5000)
    }
}
