public import Foundation
import Traces
public import Yams

/// Decodes a YAML spec file, turning every syntax and decoding error into a `SpecError`
/// with the file, line, column and field.
public enum SpecFile {
    /// The text of the spec file at `url`; `what` names it in the error ("workload", "fleet").
    public static func read(contentsOf url: URL, what: String) throws(SpecError) -> String {
        // A spec is written by hand: 16 MiB is far more than any, and bounds a wrong file.
        let data: Data
        do { data = try InputFile.read(url, limit: 16 << 20) } catch {
            throw SpecError(file: url.path, message: "cannot read the \(what) file: \(error.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = Self.firstInvalidUTF8(in: data)
            throw SpecError(
                file: url.path, line: line, column: column,
                message: "the \(what) file is not UTF-8 text (a byte here is not UTF-8: a binary file, or another encoding?)")
        }
        return text
    }

    /// The line and column (1-based, in bytes) of the first byte of `data` that is not UTF-8.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int) {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var line = 1
        var lineStart = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    lineStart = offset
                }
            case .emptyInput, .error: break decoding
            }
        }
        return (line, offset - lineStart + 1)
    }

    /// Decodes `yaml` as `T`; returns the value and the composed node (for locating later
    /// cross-field problems with `NodeLocator`).
    public static func decode<T: Decodable>(
        _ type: T.Type, yaml: String, source: String
    ) throws(SpecError) -> (value: T, node: Node) {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw SpecError(file: source, line: 1, message: "the file is empty")
            }
            node = composed
        } catch let error as SpecError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, source: source)
        } catch {
            throw SpecError(file: source, message: "cannot parse YAML: \(error)")
        }
        // A document without aliases has fewer values than bytes, so the budget grows with the
        // file (40,000 tasks are fine) and only aliases repeating one another can exceed it.
        if let nodes = expandedSizeExceeds(node, budget: max(maximumNodes, yaml.utf8.count)) {
            throw SpecError(
                file: source,
                message:
                    "the document expands to more than \(nodes) values (YAML aliases repeating one another?); a spec needs far fewer"
            )
        }
        do {
            return (try YAMLDecoder().decode(T.self, from: node), node)
        } catch {
            throw locate(error, in: node, source: source)
        }
    }

    /// The most values a spec may expand to once its aliases are resolved (or its size in bytes,
    /// if larger): an alias bomb (nine aliases of nine aliases of …) expands a few hundred bytes
    /// into billions of values.
    public static let maximumNodes = 1_000_000

    /// `budget` when `node`, aliases expanded, holds more than `budget` values; nil otherwise.
    /// Stops counting at the budget, so the walk itself is bounded.
    static func expandedSizeExceeds(_ node: Node, budget: Int) -> Int? {
        var remaining = budget
        func walk(_ node: Node) -> Bool {
            remaining -= 1
            if remaining < 0 { return false }
            switch node {
            case .scalar, .alias: return true
            case .mapping(let mapping):
                for (key, value) in mapping where !walk(key) || !walk(value) { return false }
                return true
            case .sequence(let sequence):
                for element in sequence where !walk(element) { return false }
                return true
            }
        }
        return walk(node) ? nil : budget
    }

    static func syntaxError(_ error: YamlError, source: String) -> SpecError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return SpecError(file: source, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams's own message quotes the whole document; the keys and the mapping's line say it.
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return SpecError(
                file: source, line: context.mark.line, column: context.mark.column,
                message: "invalid YAML: \(keys) appears more than once in the same mapping (a key may be given once)")
        default:
            return SpecError(file: source, message: "invalid YAML: \(error)")
        }
    }

    static func locate(_ error: any Error, in node: Node, source: String) -> SpecError {
        guard let error = error as? DecodingError else {
            return SpecError(file: source, message: "\(error)")
        }
        let path: [any CodingKey]
        let message: String
        switch error {
        case .keyNotFound(let missing, let context):
            path = context.codingPath
            message = "missing required field \"\(missing.stringValue)\""
        case .typeMismatch(let type, let context):
            path = context.codingPath
            message = "expected \(typeName(type))" + found(at: path, in: node)
        case .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(typeName(type)), found nothing"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            return SpecError(file: source, message: "\(error)")
        }
        let (line, column) = NodeLocator.position(of: path, in: node)
        return SpecError(file: source, line: line, column: column, field: NodeLocator.describe(path), message: message)
    }

    /// "a string", "a whole number", … (the trace reader has its own wording for JSON).
    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary") ? "a mapping" : "\(type)"
        }
    }

    private static func found(at path: [any CodingKey], in node: Node) -> String {
        guard let target = NodeLocator.node(at: path, in: node) else { return "" }
        switch target {
        case .scalar(let scalar): return ", found \"\(scalar.string)\""
        case .mapping: return ", found a mapping"
        case .sequence: return ", found a list"
        case .alias: return ""
        }
    }
}

/// Finds the YAML node a coding path points at, for line numbers.
public enum NodeLocator {
    /// The node `path` leads to from `root` (mapping entries by key, list items by index); nil when the path leaves the document.
    public static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            switch current {
            case .mapping(let mapping):
                guard let value = mapping.first(where: { $0.key.string == key.stringValue })?.value else { return nil }
                current = value
            case .sequence(let sequence):
                guard let index = key.intValue, index < sequence.count else { return nil }
                current = sequence[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Line and column of the deepest node on `path` that exists.
    public static func position(of path: [any CodingKey], in root: Node) -> (Int?, Int?) {
        var prefix = path
        while true {
            if let found = node(at: prefix, in: root), let mark = keyMark(of: prefix, in: root) ?? found.mark {
                return (mark.line, mark.column)
            }
            if prefix.isEmpty { return (nil, nil) }
            prefix.removeLast()
        }
    }

    /// The mark of the key itself for mapping entries (where the field name is written).
    private static func keyMark(of path: [any CodingKey], in root: Node) -> Mark? {
        guard let last = path.last, last.intValue == nil, case .mapping(let parent)? = node(at: path.dropLast(), in: root) else {
            return nil
        }
        return parent.first { $0.key.string == last.stringValue }?.key.mark
    }

    /// `tasks[2].steps[0].model.tier`.
    public static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
