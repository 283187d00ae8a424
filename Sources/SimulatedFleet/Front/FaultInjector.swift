import Synchronization

/// Numbers chat completions in arrival order and says which fault, if any, each one gets.
final class FaultInjector: Sendable {
    let configuration: FaultInjection
    private let requests = Atomic<UInt64>(0)

    init(_ configuration: FaultInjection) {
        self.configuration = configuration
    }

    /// The fault for the next request.
    func next() -> FaultInjection.Fault? {
        let n = requests.add(1, ordering: .relaxed).oldValue
        return configuration.fault(forRequest: n)
    }
}
