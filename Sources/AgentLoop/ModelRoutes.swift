package import Backends
import Timekeeping
import Traces
package import Workload

/// Where a tier's calls go: the backend instances, the model name, and the retry policy.
package struct TierRoute: Sendable {
    package var model: String
    package var chat: (any ChatBackend)?
    package var embeddings: (any EmbeddingBackend)?
    package var rerank: (any RerankBackend)?
    package var retry: RetryPolicy
    /// The built-in simulated fleet serves this tier (it reads `simulate:` scripts).
    package var isSimulatedFleet: Bool
    /// Replies that are only tool calls written as text count as tool calls (`TextToolCalls`).
    package var recoversTextToolCalls: Bool

    package init(
        model: String, chat: (any ChatBackend)? = nil, embeddings: (any EmbeddingBackend)? = nil,
        rerank: (any RerankBackend)? = nil,
        retry: RetryPolicy = .never, isSimulatedFleet: Bool = false, recoversTextToolCalls: Bool = true
    ) {
        self.recoversTextToolCalls = recoversTextToolCalls
        self.model = model
        self.chat = chat
        self.embeddings = embeddings
        self.rerank = rerank
        self.retry = retry
        self.isSimulatedFleet = isSimulatedFleet
    }
}

/// Every tier's route.
package struct ModelRoutes: Sendable {
    package var tiers: [String: TierRoute]

    package init(tiers: [String: TierRoute]) { self.tiers = tiers }

    package subscript(tier: String) -> TierRoute? { tiers[tier] }
}

/// Model calls with the tier's retry policy. Every try is returned (and so becomes a step
/// record); the last one is the outcome. Waits between tries follow the policy (and
/// `Retry-After`), and never run past the attempt's deadline.
enum RetryingCaller {
    static func chat(_ call: ChatCall, route: TierRoute, deadline: Int64, clock: any RunClock) async -> [ModelCallResult] {
        guard let chat = route.chat else {
            return [ModelCallResult(errorType: StepErrorType.noBackend, errorMessage: "the tier has no chat backend")]
        }
        return await tries(route: route, deadline: deadline, clock: clock) { await chat.chat(call, deadline: deadline) }
    }

    /// Every try of `call` under the tier's retry policy, the outcome last (embeddings and rerank
    /// calls retry the same way as chat).
    static func tries(
        route: TierRoute, deadline: Int64, clock: any RunClock, _ call: () async -> ModelCallResult
    ) async -> [ModelCallResult] {
        var tries: [ModelCallResult] = []
        while true {
            let result = await call()
            tries.append(result)
            guard let error = result.errorType, route.retry.retries(error, afterTry: tries.count), !Task.isCancelled else {
                return tries
            }
            let wait = route.retry.delay(afterTry: tries.count, retryAfter: result.retryAfter)
            guard clock.deadline(after: wait) < deadline else { return tries }
            do { try await clock.sleep(for: wait) } catch { return tries }
        }
    }
}
