public import SpecDecoding

/// How one configuration (a model, a tier, a variant) did on one item: the logged outcome
/// routers are scored on (SPEC §8).
public struct Outcome: Sendable, Hashable, Codable {
    /// Quality q(j, m) in 0…1: 1 or 0 for pass/fail, or a graded score.
    public var quality: Double
    /// Cost c(j, m) in US dollars, when logged.
    public var cost: Double?
    /// Latency l(j, m) in seconds, when logged.
    public var latency: Double?
    /// Tokens spent, all buckets, when logged.
    public var tokens: Double?

    /// An outcome of quality `quality` (0…1) with whatever of cost, latency and tokens was logged.
    public init(quality: Double, cost: Double? = nil, latency: Double? = nil, tokens: Double? = nil) {
        self.quality = quality
        self.cost = cost
        self.latency = latency
        self.tokens = tokens
    }
}

/// A problem in the input, where it is (file, line, column or field) and what was expected: the
/// same vocabulary as a spec file's errors. The input around it is still evaluated; the command
/// exits 2 after printing its figures.
public typealias InputProblem = SpecError

/// Logged outcomes of items × configurations, complete: every item has an outcome for every
/// configuration (items that lack one are dropped by the builder, with a problem each).
public struct OutcomeTable: Sendable {
    /// Configuration names, in the order they were first seen.
    public let models: [String]
    /// Item names, in the order they were first seen.
    public let items: [String]
    /// The task each item is a repeat of, when the outcomes came from traces (nil for tables).
    public let tasks: [String]?
    /// Row-major: `cells[item * models.count + model]`.
    let cells: [Outcome]

    /// A table of `cells` in row-major order (`items.count × models.count` of them).
    public init(models: [String], items: [String], tasks: [String]? = nil, cells: [Outcome]) {
        precondition(cells.count == models.count * items.count, "one outcome per item and model")
        precondition(tasks == nil || tasks?.count == items.count, "one task per item")
        self.models = models
        self.items = items
        self.tasks = tasks
        self.cells = cells
    }

    /// The outcome of `model` on `item` (indices).
    public func outcome(item: Int, model: Int) -> Outcome { cells[item * models.count + model] }

    /// Index of the configuration named `name`.
    public func modelIndex(_ name: String) -> Int? { models.firstIndex(of: name) }

    /// True when every outcome has a cost.
    public var hasCost: Bool { cells.allSatisfy { $0.cost != nil } }
    /// True when every outcome has a latency.
    public var hasLatency: Bool { cells.allSatisfy { $0.latency != nil } }
    /// True when every outcome has a token count.
    public var hasTokens: Bool { cells.allSatisfy { $0.tokens != nil } }
}

/// Collects outcomes from any number of files into an `OutcomeTable`, keeping the first outcome
/// of each (item, configuration) pair and a problem for each duplicate or incomplete item.
public struct OutcomeTableBuilder: Sendable {
    private var models: [String] = []
    private var modelIndex: [String: Int] = [:]
    private var items: [String] = []
    private var itemIndex: [String: Int] = [:]
    private var rows: [[Outcome?]] = []
    private var origins: [String] = []
    private var tasks: [String?] = []
    /// Problems met so far (duplicates); `build()` adds the incomplete items.
    public private(set) var problems: [InputProblem] = []
    /// Problems beyond `maxProblems`, counted, not kept: a file of bad rows costs no more memory than a good one.
    private var unkeptProblems = 0
    /// Problems kept in full.
    public static let maxProblems = 1000

    /// An empty builder.
    public init() {}

    /// Keeps a problem found while reading (an `InputProblem`, or any error described in one).
    public mutating func report(_ problem: any Error) {
        guard problems.count < Self.maxProblems else {
            unkeptProblems += 1
            return
        }
        problems.append(problem as? InputProblem ?? InputProblem(file: "(input)", message: "\(problem)"))
    }

    /// Declares a configuration, so that items without its outcome are reported even if no row names it.
    public mutating func declare(model: String) { _ = index(ofModel: model) }

    /// Adds `outcome` of `model` on `item`, read at `file:line`.
    public mutating func add(_ outcome: Outcome, item: String, model: String, file: String, line: Int?, task: String? = nil) {
        let m = index(ofModel: model)
        let row: Int
        if let known = itemIndex[item] {
            row = known
        } else {
            row = items.count
            itemIndex[item] = row
            items.append(item)
            rows.append([])
            origins.append(line.map { "\(file):\($0)" } ?? file)
            tasks.append(task)
        }
        if rows[row].count <= m { rows[row].append(contentsOf: repeatElement(nil, count: m + 1 - rows[row].count)) }
        if rows[row][m] != nil {
            report(
                InputProblem(
                    file: file, line: line,
                    message:
                        "a second outcome for item \"\(item)\" and model \"\(model)\" (the first, from \(origins[row]), is kept)")
            )
            return
        }
        rows[row][m] = outcome
    }

    /// The complete table and every problem: each item missing a configuration is dropped with one.
    public func build() -> (table: OutcomeTable, problems: [InputProblem]) {
        var cells: [Outcome] = []
        cells.reserveCapacity(items.count * models.count)
        var kept: [String] = []
        var keptTasks: [String] = []
        var problems = problems
        var unkept = unkeptProblems
        for (row, item) in items.enumerated() {
            let outcomes = rows[row] + repeatElement(nil, count: models.count - rows[row].count)
            let missing = outcomes.indices.filter { outcomes[$0] == nil }.map { models[$0] }
            if !missing.isEmpty {
                guard problems.count < Self.maxProblems else {
                    unkept += 1
                    continue
                }
                problems.append(
                    InputProblem(
                        file: origins[row],
                        message:
                            "item \"\(item)\" has no outcome for \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); the item is left out"
                    ))
                continue
            }
            kept.append(item)
            keptTasks.append(tasks[row] ?? "")
            cells.append(contentsOf: outcomes.compactMap { $0 })
        }
        if unkept > 0 {
            problems.append(InputProblem(file: "(input)", message: "… and \(unkept) more problems of the same kinds, not listed"))
        }
        let byTask = tasks.allSatisfy { $0 != nil } && !tasks.isEmpty
        return (OutcomeTable(models: models, items: kept, tasks: byTask ? keptTasks : nil, cells: cells), problems)
    }

    private mutating func index(ofModel model: String) -> Int {
        if let known = modelIndex[model] { return known }
        modelIndex[model] = models.count
        models.append(model)
        return models.count - 1
    }
}
