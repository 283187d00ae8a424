import Foundation
import Traces

/// The run id of an imported source file: `import-<file name>-<6 hex digits>`, the digits a hash
/// of the file's full, resolved path. Two files of the same name in different directories (two
/// SWE-agent runs over the same instances) are two runs, so neither is taken for a repeat of the
/// other; the same file, however it is named on the command line, always gets the same id.
func importedRunID(path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
    var hash = ContentHash()
    hash.update(url.path)
    return "import-\(url.lastPathComponent)-\(hash.hex.prefix(6))"
}
