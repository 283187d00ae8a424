/// One server-sent event (WHATWG HTML "Server-sent events", §9.2).
package struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field; `nil` means the default type, `message`.
    package var event: String?
    /// The `data:` lines joined with `\n`.
    package var data: String
    /// The `id:` field, when the event set one.
    package var id: String?
    /// The `retry:` field in milliseconds, when the event set one.
    package var retry: Int?

    package init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The event in wire form, ending with the blank line that dispatches it.
    package var encoded: String {
        var text = ""
        if let event { text += "event: \(event)\n" }
        if let id { text += "id: \(id)\n" }
        if let retry { text += "retry: \(retry)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }
}

/// An incremental parser for `text/event-stream`, fed network buffers as they arrive.
///
/// Written by hand because the Swift SSE packages (mattt/EventSource) do not build on Linux.
/// A value-type state machine in the style of async-http-client's protocol state machines: it
/// takes whole buffers synchronously and returns the events they complete, handling CRLF, CR
/// and LF line ends (also when split across buffers), comments, multi-line data, a leading
/// byte-order mark, and the spec's rule that an event without a blank line after it is never
/// dispatched.
///
/// One event may hold at most `maximumEventBytes` (its lines together): past that the parser
/// stops, sets `exceededLimit`, and returns nothing more, so a hostile or broken server cannot
/// fill memory with one endless event.
package struct ServerSentEventParser: Sendable {
    private enum LineState: Sendable {
        /// At the very start of the stream (a BOM may follow).
        case streamStart
        case normal
        /// The previous byte was CR: a following LF belongs to the same line end.
        case afterCarriageReturn
    }

    private var lineState = LineState.streamStart
    private var line: [UInt8] = []
    private var eventType: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var eventID: String?
    private var retry: Int?
    /// The most bytes one event may hold (8 MiB: a completion chunk is a few hundred bytes, and
    /// the largest tool-call argument a model streams in one event is far below this).
    package let maximumEventBytes: Int
    /// True once an event grew past `maximumEventBytes`; nothing is parsed after that.
    package private(set) var exceededLimit = false

    package static let defaultMaximumEventBytes = 8 << 20

    package init(maximumEventBytes: Int = Self.defaultMaximumEventBytes) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// Feeds the next bytes of the stream; returns the events they complete, in order.
    package mutating func parse(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        // Contiguous buffers (NIO's `ByteBufferView`, arrays) take the scanning path in one call;
        // iterating a generic sequence byte by byte costs a witness call and a retain per byte.
        if let events = bytes.withContiguousStorageIfAvailable({ parse(contiguous: $0) }) { return events }
        return Array(bytes).withUnsafeBufferPointer { parse(contiguous: $0) }
    }

    /// Feeds the next bytes of the stream; returns the events they complete, in order.
    package mutating func parse(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        guard !exceededLimit else { return events }
        var index = 0
        // A byte-order mark may open the stream; it can arrive split across buffers.
        while lineState == .streamStart, index < bytes.count {
            let byte = bytes[index]
            index += 1
            line.append(byte)
            lineState = .normal
            if line == [0xEF] || line == [0xEF, 0xBB] {
                lineState = .streamStart
            } else if line == [0xEF, 0xBB, 0xBF] {
                line.removeAll()
            } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                line.removeLast()
                endLine(into: &events)
                lineState = byte == Self.carriageReturn ? .afterCarriageReturn : .normal
            }
        }
        while index < bytes.count {
            if lineState == .afterCarriageReturn {
                lineState = .normal
                if bytes[index] == Self.lineFeed {
                    index += 1
                    continue
                }
            }
            // Scan to the line end and take the line's bytes in one copy.
            var end = index
            while end < bytes.count, bytes[end] != Self.lineFeed, bytes[end] != Self.carriageReturn { end += 1 }
            guard line.count + data.count + (end - index) <= maximumEventBytes else {
                exceededLimit = true
                line = []
                data = []
                return events
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
            guard end < bytes.count else { break }
            endLine(into: &events)
            if bytes[end] == Self.carriageReturn { lineState = .afterCarriageReturn }
            index = end + 1
        }
        return events
    }

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    /// True when bytes arrived after the last dispatched event that did not complete one: the
    /// stream ended in the middle of an event (which the spec says to discard).
    package var hasIncompleteEvent: Bool {
        !line.isEmpty || hasData || eventType != nil
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line.first == UInt8(ascii: ":") { return }  // comment
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { eventID = String(decoding: value, as: UTF8.self) }
        } else if field.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ (0x30...0x39).contains($0) }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }  // unknown fields are ignored
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventType = nil
            data.removeAll(keepingCapacity: true)
            hasData = false
            retry = nil
        }
        guard hasData else { return }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 }
        events.append(
            ServerSentEvent(
                event: type, data: String(decoding: data, as: UTF8.self), id: eventID, retry: retry))
    }
}
