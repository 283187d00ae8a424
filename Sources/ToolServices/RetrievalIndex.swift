import Backends
import Foundation
import Traces
import Workload

/// A retrieval tool's corpus, embedded once per run: its `.txt` and `.md` files (or the one file
/// it names) cut into chunks of about `chunkWords` words, each embedded with the tool's
/// embedding model. A query is embedded with the same model and answered with the `topK`
/// chunks of highest cosine similarity.
package struct RetrievalIndex: Sendable {
    struct Chunk: Sendable {
        var source: String
        var text: String
        var vector: [Double]
    }

    let chunks: [Chunk]
    let topK: Int

    /// Inputs per embeddings request while building.
    static let batchSize = 32

    /// Reads and embeds `tool`'s corpus. `embed` sends one embeddings request.
    static func build(
        _ name: String, _ tool: RetrievalTool, embed: @Sendable ([String]) async -> ModelCallResult
    ) async throws(ToolServiceError) -> RetrievalIndex {
        let pieces = try readCorpus(name, tool)
        guard !pieces.isEmpty else {
            throw .retrievalFailed(tool: name, reason: "no text in \(tool.corpus) (it reads .txt and .md files)")
        }
        var chunks: [Chunk] = []
        for start in stride(from: 0, to: pieces.count, by: batchSize) {
            let batch = Array(pieces[start..<min(start + batchSize, pieces.count)])
            let result = await embed(batch.map(\.text))
            if let error = result.errorType {
                throw .retrievalFailed(tool: name, reason: "embedding the corpus failed: \(error) \(result.errorMessage ?? "")")
            }
            guard result.embeddings.count == batch.count else {
                throw .retrievalFailed(
                    tool: name, reason: "asked for \(batch.count) embeddings, the server returned \(result.embeddings.count)")
            }
            for (piece, vector) in zip(batch, result.embeddings) {
                chunks.append(Chunk(source: piece.source, text: piece.text, vector: normalized(vector)))
            }
        }
        return RetrievalIndex(chunks: chunks, topK: tool.topK)
    }

    /// The `count` chunks closest to `query`, best first, with their cosine similarity.
    func nearest(_ query: [Double], count: Int) -> [(chunk: Chunk, score: Double)] {
        let q = Self.normalized(query)
        let scored = chunks.map { chunk in (chunk, zip(chunk.vector, q).reduce(0) { $0 + $1.0 * $1.1 }) }
        return Array(scored.sorted { $0.1 > $1.1 }.prefix(count))
    }

    /// Chunks as the text the agent reads, numbered in order.
    static func render(_ chunks: [Chunk]) -> String {
        chunks.enumerated().map { rank, chunk in "[\(rank + 1)] \(chunk.source):\n\(chunk.text)" }.joined(separator: "\n\n")
    }

    // MARK: Corpus

    static func readCorpus(_ name: String, _ tool: RetrievalTool) throws(ToolServiceError) -> [(source: String, text: String)] {
        let manager = FileManager.default
        let root = URL(fileURLWithPath: tool.corpus)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw .retrievalFailed(tool: name, reason: "no such file or directory: \(tool.corpus)")
        }
        var files: [URL] = []
        if isDirectory.boolValue {
            let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if ["txt", "md"].contains(url.pathExtension.lowercased()) { files.append(url) }
            }
            files.sort { $0.path < $1.path }
        } else {
            files = [root]
        }
        var pieces: [(String, String)] = []
        for file in files {
            let text: String
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw .retrievalFailed(tool: name, reason: "cannot read \(file.path): \(FileErrors.describe(error))")
            }
            let source = isDirectory.boolValue ? String(file.path.dropFirst(root.path.count + 1)) : file.lastPathComponent
            for chunk in chunk(text, words: tool.chunkWords) { pieces.append((source, chunk)) }
        }
        return pieces
    }

    /// `text` cut into pieces of about `words` words, at paragraph breaks where one falls in the
    /// second half of a piece.
    static func chunk(_ text: String, words: Int) -> [String] {
        var chunks: [String] = []
        var current: [Substring] = []
        for paragraph in text.components(separatedBy: "\n\n") {
            let paragraphWords = paragraph.split(whereSeparator: \.isWhitespace)
            if !current.isEmpty, current.count + paragraphWords.count > words, current.count >= words / 2 {
                chunks.append(current.joined(separator: " "))
                current = []
            }
            for word in paragraphWords {
                current.append(word)
                if current.count >= words {
                    chunks.append(current.joined(separator: " "))
                    current = []
                }
            }
        }
        if !current.isEmpty { chunks.append(current.joined(separator: " ")) }
        return chunks
    }

    static func normalized(_ vector: [Double]) -> [Double] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
