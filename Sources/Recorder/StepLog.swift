package import Traces

/// Collects the steps of one attempt as they complete.
///
/// An actor because sub-agents of one attempt run concurrently; and a separate object from the
/// agent loop so that steps finished before a timeout or cancellation are still there to
/// record.
package actor StepLog {
    private var steps: [StepRecord] = []

    package init() {}

    package func append(_ step: StepRecord) { steps.append(step) }

    /// The steps so far, in completion order.
    package var recorded: [StepRecord] { steps }
}
