import Foundation
import Recorder
import Reports
import TraceCommands

/// Draws run progress on standard error: one rewritten status line on a terminal, or a plain
/// status line every five seconds when standard error is a file or pipe.
actor ProgressPrinter {
    private var display = ProgressDisplay()
    private let isTerminal: Bool
    private var lastPlainStatus = ContinuousClock.now

    init(isTerminal: Bool) { self.isTerminal = isTerminal }

    /// Consumes events until the run ends, redrawing meanwhile.
    static func run(_ events: AsyncStream<ProgressEvent>, isTerminal: Bool) async {
        let printer = ProgressPrinter(isTerminal: isTerminal)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { await printer.handle(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    await printer.tick()
                }
            }
            await group.next()
            group.cancelAll()
        }
        await printer.finish()
    }

    private func handle(_ event: ProgressEvent) {
        if let line = display.apply(event) {
            clearLine()
            Terminal.err(line + "\n")
        }
        if isTerminal { redraw() }
    }

    private func tick() {
        if isTerminal {
            redraw()
        } else if ContinuousClock.now - lastPlainStatus >= .seconds(5), let status = display.statusLine() {
            lastPlainStatus = .now
            Terminal.err(status + "\n")
        }
    }

    private func finish() { clearLine() }

    private func redraw() {
        guard let status = display.statusLine() else { return }
        Terminal.err("\r\u{1B}[2K" + status)
    }

    private func clearLine() { if isTerminal { Terminal.err("\r\u{1B}[2K") } }
}
