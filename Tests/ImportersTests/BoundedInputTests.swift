import Foundation
import TestSupport
import Testing
import Traces

@testable import Importers

/// Bounded work for bounded input: non-regular files refused, sizes capped, archive entries
/// checked as they inflate (issue 14, item 20).
@Suite struct BoundedInputTests {
    @Test("a FIFO and a device are refused by name, never read forever; a directory walk skips them")
    func nonRegularFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe.jsonl")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        #expect {
            try TraceFormat.files(in: [fifo])
        } throws: { error in
            "\(error)".contains("not a regular file")
        }
        #expect {
            try TraceFormat.files(in: [URL(fileURLWithPath: "/dev/zero")])
        } throws: { error in
            "\(error)".contains("a device")
        }
        #expect(try TraceFormat.files(in: [directory.url]).isEmpty, "the walk keeps regular files only")
        #expect {
            try TraceLog.load(from: URL(fileURLWithPath: "/dev/zero"))
        } throws: { error in
            "\(error)".contains("a device")
        }
    }

    @Test("a whole-file read stops past its limit and says which limit was hit")
    func sizeLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("big.json", String(repeating: "x", count: 2048))
        #expect(try InputFile.read(file, limit: 2048).count == 2048)
        #expect {
            try InputFile.read(file, limit: 1024)
        } throws: { error in
            "\(error)".contains("larger than 1024 bytes, the most read into memory")
        }
    }

    @Test("an .eval entry that inflates past the limit is an error naming the entry, and the rest is read")
    func archiveEntryLimit() throws {
        let archive = Fixtures.real("inspect/2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.eval")
        var unbounded = CollectingSink()
        try InspectImporter.readArchive(archive, into: &unbounded)
        #expect(!unbounded.log.attempts.isEmpty && !unbounded.log.hasErrors)
        var bounded = CollectingSink()
        #expect {
            try InspectImporter.readArchive(archive, into: &bounded, entryLimit: 64)
        } throws: { error in
            "\(error)".contains("header.json expands to more than 64 bytes")
        }
    }
}
