package import Traces
package import WireFormats

/// Provider usage → AgentPerf's separate token buckets (SPEC §2).
package enum UsageNormalization {
    /// OpenAI Chat Completions: `prompt_tokens` includes cached tokens, so
    /// `uncached = prompt − cached − cache_write`.
    package static func openAIChat(_ usage: OpenAIChat.Usage) -> TokenUsage {
        let cached = usage.promptTokensDetails?.cachedTokens ?? 0
        let written = usage.promptTokensDetails?.cacheWriteTokens ?? 0
        return .inputIncludingCache(
            input: usage.promptTokens, cacheRead: cached, cacheWrite: written, output: usage.completionTokens,
            reasoning: usage.completionTokensDetails?.reasoningTokens ?? 0)
    }

    /// OpenAI Responses: `input_tokens` includes `input_tokens_details.cached_tokens`;
    /// `output_tokens` includes `output_tokens_details.reasoning_tokens`.
    package static func openAIResponses(_ usage: OpenAIResponses.Usage) -> TokenUsage {
        .inputIncludingCache(
            input: usage.inputTokens, cacheRead: usage.inputTokensDetails?.cachedTokens ?? 0, output: usage.outputTokens,
            reasoning: usage.outputTokensDetails?.reasoningTokens ?? 0)
    }

    /// Anthropic Messages: `input_tokens` *excludes* cache reads and writes; the 1-hour part of
    /// the writes is `cache_creation.ephemeral_1h_input_tokens`.
    package static func anthropic(_ usage: AnthropicMessages.Usage) -> TokenUsage {
        .inputExcludingCache(
            input: usage.inputTokens ?? 0, cacheRead: usage.cacheReadInputTokens ?? 0,
            cacheWrite: usage.cacheCreationInputTokens ?? 0, cacheWrite1h: usage.cacheCreation?.ephemeral1h ?? 0,
            output: usage.outputTokens ?? 0)
    }

    /// A rough count for servers that report no usage and offer no tokenizer: four characters
    /// per token, the common rule of thumb for English BPE vocabularies. Always marked estimated.
    package static func estimate(inputText: [String], outputText: String) -> TokenUsage {
        let input = inputText.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
        return TokenUsage(uncachedInput: input, output: (outputText.utf8.count + 3) / 4, isEstimated: true)
    }
}
