import Testing
import Traces

@Suite struct DiagnosticListTests {
    @Test("keeps the first diagnostics in full and counts the rest by severity")
    func bounded() {
        var list = DiagnosticList(limit: 2)
        for line in 1...5 {
            list.append(TraceDiagnostic(severity: line == 4 ? .warning : .error, file: "f.jsonl", line: line, message: "bad"))
        }
        #expect(list.kept.map(\.line) == [1, 2])
        #expect(list.errorCount == 4 && list.warningCount == 1 && list.hasErrors)
        #expect(list.lines == ["f.jsonl:1: error: bad", "f.jsonl:2: error: bad", "… 3 more (in all 4 errors, 1 warning)"])
        var warnings = DiagnosticList()
        warnings.append(TraceDiagnostic(severity: .warning, file: "f", line: nil, message: "w"))
        #expect(!warnings.hasErrors && warnings.lines == ["f: warning: w"])
    }
}
