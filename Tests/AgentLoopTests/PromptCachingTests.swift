import AsyncHTTPClient
import Backends
import Foundation
import Testing
import Timekeeping
import WireFormats
import Workload

@testable import AgentLoop

/// `prompt_caching: off`, per kind of server (no request is sent).
@Suite struct PromptCachingTests {
    let transport = HTTPTransport(
        baseURL: URL(string: "http://127.0.0.1:9/v1")!, client: HTTPClient.shared, clock: ContinuousRunClock())
    let off = Variant(name: "no-cache")
    var variant: Variant {
        var variant = off
        variant.promptCaching = false
        return variant
    }
    let call = ChatCall(
        model: "m", messages: [ChatMessage(role: .system, content: "You help."), ChatMessage(role: .user, content: "Hi")])

    @Test func theFleetAndAnthropicAreAskedNotToCache() {
        for route in [
            TierRoute(
                model: "m", chat: OpenAIBackend(transport: transport, providerName: "agentperf-sim"), isSimulatedFleet: true),
            TierRoute(model: "m", chat: AnthropicBackend(transport: transport)),
        ] {
            var changed = call
            PromptCaching.apply(variant, to: &changed, route: route, seed: 1, salt: "a")
            #expect(!changed.promptCache)
            #expect(changed.messages == call.messages)
        }
        let body = OpenAIBackend.request(
            for: {
                var c = call; c.promptCache = false; return c
            }(), options: .init())
        #expect(body.promptCache == false)
        #expect(OpenAIBackend.request(for: call, options: .init()).promptCache == nil, "other calls send no extension field")
        #expect(AnthropicBackend.request(for: call, caching: true).system?.last?.cacheControl != nil)
    }

    @Test func otherServersGetAPrefixOfTheirOwnPerCall() throws {
        let route = TierRoute(model: "m", chat: OpenAIBackend(transport: transport, providerName: "vllm"))
        var first = call
        var second = call
        var again = call
        PromptCaching.apply(variant, to: &first, route: route, seed: 1, salt: "task0/repeat0/main/0")
        PromptCaching.apply(variant, to: &second, route: route, seed: 1, salt: "task0/repeat0/main/1")
        PromptCaching.apply(variant, to: &again, route: route, seed: 1, salt: "task0/repeat0/main/0")
        #expect(first.promptCache, "no extension field to a server that would reject it")
        #expect(first.messages[0].content.hasSuffix("\nYou help.") && first.messages[0].content != second.messages[0].content)
        #expect(first == again, "seeded: the same call gets the same words")
        var untouched = call
        PromptCaching.apply(off, to: &untouched, route: route, seed: 1, salt: "x")
        #expect(untouched == call)
    }
}
