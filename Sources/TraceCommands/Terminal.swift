import Foundation

/// Standard output and error for commands (libraries never print).
package enum Terminal {
    package static func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    package static func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
    package static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// An error that ends a command with a given code, after its message (if any) is printed.
package struct CommandFailure: Error {
    package init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    package var code: Int32
    package var message: String

    package static let interrupted = CommandFailure(code: 130, message: "")
    package static func badInput(_ message: String) -> CommandFailure { CommandFailure(code: 2, message: message) }
}
