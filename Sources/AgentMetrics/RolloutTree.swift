import Foundation
import Pricing
import Traces

/// The rollouts of each task as a prefix tree of generated steps, kept as a set of node hashes
/// (a node is the hash of the task and every generated output up to it), so that shared
/// prefixes are counted once. SPEC §5: diversity = distinct leaves ÷ unique generated tokens,
/// reported per 1,000 tokens, over the tasks with two or more rollouts.
struct RolloutTree {
    /// Beyond this many distinct generated steps the tree is dropped, to keep memory bounded.
    static let nodeLimit = 1_000_000

    private var nodes: Set<UInt64> = []
    private var leaves: Set<UInt64> = []
    private var tasks: [String: (rollouts: Int, leaves: Int, uniqueTokens: Int)] = [:]
    private var attemptsWithoutPath = 0
    private var overflowed = false

    mutating func add(_ path: [AttemptProgress.RolloutStep]?, task: String) {
        guard let path, !path.isEmpty else {
            attemptsWithoutPath += 1
            return
        }
        guard !overflowed else { return }
        var entry = tasks[task, default: (0, 0, 0)]
        entry.rollouts += 1
        var node = ContentHash()
        node.update(task)
        for step in path {
            node.update(step.outputHash)
            if nodes.insert(node.value).inserted { entry.uniqueTokens += step.outputTokens }
        }
        if leaves.insert(node.value).inserted { entry.leaves += 1 }
        tasks[task] = entry
        if nodes.count > Self.nodeLimit {
            overflowed = true
            nodes = []
            leaves = []
            tasks = [:]
        }
    }

    var diversity: Measure {
        if overflowed {
            return .unavailable("more than \(Self.nodeLimit) distinct generated steps; the prefix tree is not kept past that")
        }
        if tasks.isEmpty {
            return .unavailable("the traces do not record what each model step generated (output_hash) with its token count")
        }
        let repeated = tasks.values.filter { $0.rollouts >= 2 }
        let tokens = repeated.reduce(0) { $0 + $1.uniqueTokens }
        guard !repeated.isEmpty else { return .unavailable("no task has two or more rollouts to compare") }
        guard tokens > 0 else { return .unavailable("the rollouts generated no tokens") }
        return .value(Double(repeated.reduce(0) { $0 + $1.leaves }) / (Double(tokens) / 1000))
    }
}
