import Foundation
import Traces
import WireFormats

/// Why a source could not be imported at all (problems inside a readable source are
/// diagnostics instead, and importing goes on).
package struct ImportError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotRead(path: String, reason: String)
        case unknownFormat(path: String, formats: [String])
        case notFormat(path: String, format: String, reason: String)
    }
    private let code: Code

    package static func cannotRead(path: String, reason: String) -> ImportError {
        ImportError(code: .cannotRead(path: path, reason: reason))
    }
    package static func unknownFormat(path: String, formats: [String]) -> ImportError {
        ImportError(code: .unknownFormat(path: path, formats: formats))
    }
    package static func notFormat(path: String, format: String, reason: String) -> ImportError {
        ImportError(code: .notFormat(path: path, format: format, reason: reason))
    }

    package var description: String {
        switch code {
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .unknownFormat(let path, let formats):
            "\(path): not a trace format AgentPerf recognises; name one with --format (\(formats.joined(separator: ", ")))"
        case .notFormat(let path, let format, let reason): "\(path) is not a \(format) file: \(reason)"
        }
    }
}

extension ImportError {
    /// The most a whole-document format (one JSON per file) reads into memory.
    static let wholeDocumentLimit = 512 << 20

    /// The whole of a one-document source (JSON formats), bounded (`InputFile`), or
    /// `cannotRead` naming it.
    static func readWhole(_ url: URL) throws(ImportError) -> Data {
        do { return try InputFile.read(url, limit: wholeDocumentLimit) } catch {
            throw .cannotRead(path: url.path, reason: error.reason)
        }
    }
}

extension ImportError {
    /// Why a whole document did not decode: the field and what was expected, a number out of
    /// range, or — when it is not JSON at all — the line and column where reading stopped
    /// (Foundation's decoder says only "The given data was not valid JSON").
    static func describe(_ error: any Error, in data: Data) -> String {
        if case .dataCorrupted(let context)? = error as? DecodingError, context.codingPath.isEmpty,
            DecodingProblem.outOfRangeNumber(in: data) == nil
        {
            let problem: JSONReader.Problem? = data.withUnsafeBytes { raw in
                raw.withMemoryRebound(to: UInt8.self) { bytes in
                    do throws(JSONReader.Problem) {
                        _ = try JSONReader.parse(bytes)
                        return nil
                    } catch { return error }
                }
            }
            if let problem {
                let before = data.prefix(problem.offset)
                let line = before.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
                let column = problem.offset - (before.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0) + 1
                return "not valid JSON at line \(line), column \(column): expected \(problem.expected)"
            }
        }
        return DecodingProblem.describe(error, in: data)
    }
}
