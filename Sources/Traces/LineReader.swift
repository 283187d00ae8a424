public import Foundation

/// Reads a file line by line in fixed-size chunks, so memory stays flat however large it is.
///
/// Hand-written because Foundation on Linux has no streaming line reader over a FileHandle and
/// none of the project's packages provides one for plain files.
public struct LineReader {
    /// One line of the file: its number, its bytes, and whether a newline ended it.
    public struct Line {
        /// 1-based.
        public var number: Int
        /// The line without its line end (LF or CRLF).
        public var bytes: ArraySlice<UInt8>
        /// False only for a last line that the file ends without a newline.
        public var isTerminated: Bool
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var lineNumber = 0
    private var atEndOfFile = false

    /// A line longer than the reader's limit: reading stops there instead of buffering it.
    public struct LineTooLong: Error, CustomStringConvertible {
        /// 1-based number of the line.
        public var line: Int
        /// The limit, in bytes.
        public var limit: Int
        /// "line N is longer than M MiB".
        public var description: String { "line \(line) is longer than \(limit >> 20) MiB" }
    }

    /// Opens the file at `url`, to be read `chunkSize` bytes at a time (1 MiB by default), with
    /// lines of at most `maxLineBytes` (256 MiB by default); throws if it cannot be opened.
    /// Anything but a regular file (a FIFO, `/dev/zero`) is refused: it might never end.
    public init(url: URL, chunkSize: Int = 1 << 20, maxLineBytes: Int = 256 << 20) throws {
        if let refusal = InputFile.refusal(url) { throw refusal }
        handle = try FileHandle(forReadingFrom: url)
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
    }

    /// The next line, or `nil` at the end of the file.
    public mutating func next() throws -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Line(number: lineNumber, bytes: buffer[start..<end], isTerminated: true)
                start = newline + 1
                return line
            }
            if atEndOfFile {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                let line = Line(number: lineNumber, bytes: buffer[start...], isTerminated: false)
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            if buffer.count > maxLineBytes {
                try? handle.close()
                throw LineTooLong(line: lineNumber + 1, limit: maxLineBytes)
            }
            if let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEndOfFile = true
                try handle.close()
            }
        }
    }
}
