/// A problem with a spec file (a workload, a fleet), located as precisely as the YAML allows.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Path of the spec file, as it was given.
    public var file: String
    /// 1-based.
    public var line: Int?
    /// 1-based column on `line`; nil when unknown.
    public var column: Int?
    /// Dotted path of the field, like `tasks[2].steps[0].model.tier`.
    public var field: String?
    /// What is wrong, as a sentence (usually with what was expected and what was found).
    public var message: String

    /// An error in `file`; the place fields left out are nil (unknown).
    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: field: message`, the form editors and CI logs link to.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        if let field, !field.isEmpty { return "\(place): \(field): \(message)" }
        return "\(place): \(message)"
    }
}
