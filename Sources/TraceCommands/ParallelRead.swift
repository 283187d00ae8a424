import Foundation
import Importers
import Traces

/// `analyze --jobs N`: up to N files parsed at once, their records folded in file order.
///
/// Parsing (JSON decoding) is most of an analysis; folding the records into the figures is
/// cheap and order-sensitive. So readers run on threads of their own, one file each, handing
/// records over through a bounded queue per file, and the caller folds file 0's records, then
/// file 1's, …: the figures are exactly those of reading the files one by one, and memory holds
/// at most N queues of `queueLimit` records besides. Threads, not tasks: the importers are
/// synchronous and block while their queue is full, which a cooperative task must not do.
enum ParallelRead {
    /// Records a reader may run ahead of the fold, per file, handed over in batches of `batchSize`.
    static let queueLimit = 4096
    static let batchSize = 256

    /// One thing a reader saw, in order.
    enum Item: Sendable {
        case begin(RunRecord)
        case step(StepRecord)
        case attempt(AttemptRecord)
        case diagnostic(TraceDiagnostic)
        /// The file is done; its error, if reading it failed.
        case end((any Error & Sendable)?)
    }

    /// Reads `files` with `jobs` threads and calls `fold` with each file's items in file order
    /// (on the calling thread), then `fold(index, .end(error))`.
    static func read(
        _ files: [(URL, TraceFormat)], jobs: Int, fold: (Int, Item) throws -> Void
    ) throws {
        let queues = (0..<files.count).map { _ in ItemQueue(limit: queueLimit / batchSize) }
        let window = min(max(1, jobs), files.count)
        let next = NextIndex(window: window)
        // A fold that throws stops the readers: they drop what they would still hand over.
        defer {
            next.cancel()
            for queue in queues { queue.cancel() }
        }
        for _ in 0..<window {
            Thread {
                while let index = next.take(below: files.count) {
                    var sink = QueueSink(queue: queues[index])
                    do { try files[index].1.read(files[index].0, into: &sink) } catch {
                        sink.finish(ReadFailure(description: "\(error)"))
                        continue
                    }
                    sink.finish(nil)
                }
            }.start()
        }
        for (index, queue) in queues.enumerated() {
            reading: while true {
                for item in queue.pop() {
                    try fold(index, item)
                    if case .end = item { break reading }
                }
            }
            next.folded()
        }
    }

    /// A reader's error, as text (importer errors describe themselves).
    struct ReadFailure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// The next file to read, shared by the readers. Files are taken in order, so file i is
    /// always being read before file i + 1 (the fold never waits on a file no reader holds), and
    /// at most `window` files past the last one folded, so that small files do not pile up in
    /// memory while the fold is on a large one.
    final class NextIndex: @unchecked Sendable {
        private let condition = NSCondition()
        private let window: Int
        private var value = 0
        private var foldedCount = 0
        private var cancelled = false

        init(window: Int) { self.window = window }

        /// The next file's index, waiting while `window` files are read but not folded; nil when all are taken.
        func take(below count: Int) -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !cancelled, value < count, value >= foldedCount + window { condition.wait() }
            guard !cancelled, value < count else { return nil }
            defer { value += 1 }
            return value
        }

        /// The fold finished a file.
        func folded() {
            condition.lock()
            foldedCount += 1
            condition.broadcast()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// A bounded first-in first-out handoff of batches from one reader thread to the fold.
    final class ItemQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [[Item]] = []
        private var head = 0
        private let limit: Int
        private var cancelled = false

        init(limit: Int) { self.limit = limit }

        /// Appends, waiting while `limit` batches are unread.
        func push(_ item: [Item]) {
            condition.lock()
            while !cancelled, items.count - head >= limit { condition.wait() }
            if cancelled {
                condition.unlock()
                return
            }
            items.append(item)
            condition.broadcast()
            condition.unlock()
        }

        /// The oldest batch, waiting for one.
        func pop() -> [Item] {
            condition.lock()
            while head == items.count { condition.wait() }
            let item = items[head]
            head += 1
            // Batches already taken are dropped once there are `limit` of them (or all were taken).
            if head == items.count || head >= limit {
                items.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            condition.unlock()
            return item
        }

        /// Stops waiting writers; what they push from now on is dropped.
        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The sink a reader fills: every record into its file's queue, a batch at a time (one
    /// lock per batch, not per record).
    struct QueueSink: TraceSink {
        let queue: ItemQueue
        private var batch: [Item] = []

        init(queue: ItemQueue) { self.queue = queue }

        mutating func begin(_ run: RunRecord) { add(.begin(run)) }
        mutating func step(_ step: StepRecord) { add(.step(step)) }
        mutating func attempt(_ attempt: AttemptRecord) { add(.attempt(attempt)) }
        mutating func diagnostic(_ diagnostic: TraceDiagnostic) { add(.diagnostic(diagnostic)) }

        /// Hands over what is left and the end of the file.
        mutating func finish(_ error: (any Error & Sendable)?) {
            batch.append(.end(error))
            queue.push(batch)
            batch = []
        }

        private mutating func add(_ item: Item) {
            batch.append(item)
            if batch.count >= ParallelRead.batchSize {
                queue.push(batch)
                batch = []
            }
        }
    }
}
