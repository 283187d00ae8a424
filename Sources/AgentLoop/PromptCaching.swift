import Backends
import Sampling
import Workload

/// Turns prompt caching off for a call, as a `prompt_caching: off` variant asks, in the way the
/// tier's server allows:
/// - the simulated fleet: `agentperf_prompt_cache: false` (no cached prefix read, none written);
/// - Anthropic Messages: no `cache_control` breakpoints, so nothing is cached;
/// - any other server (automatic prefix caching, as vLLM, SGLang and OpenAI do): the system
///   prompt opens with words drawn for this call alone, so no earlier prefix matches.
enum PromptCaching {
    static func apply(
        _ variant: Variant?, to call: inout ChatCall, route: TierRoute, seed: UInt64, salt: @autoclosure () -> String
    ) {
        guard variant?.promptCaching == false else { return }
        if route.isSimulatedFleet || route.chat is AnthropicBackend {
            call.promptCache = false
            return
        }
        var generator = SeededGenerator(seed: seed, stream: "no-cache/\(salt())")
        let nonce = SyntheticText.words(4, using: &generator)
        if let first = call.messages.indices.first(where: { call.messages[$0].role == .system }) {
            call.messages[first].content = nonce + "\n" + call.messages[first].content
        } else {
            call.messages.insert(ChatMessage(role: .system, content: nonce), at: 0)
        }
    }
}
