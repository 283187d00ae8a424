public import Traces
public import WireFormats

/// Provider usage → AgentPerf's separate token buckets (SPEC §2).
public enum UsageNormalization {
    /// OpenAI Chat Completions: `uncached = prompt − cached − cache_write`.
    public static func openAIChat(_ usage: OpenAIChat.Usage) -> TokenUsage {
        let cached = usage.promptTokensDetails?.cachedTokens ?? 0
        let written = usage.promptTokensDetails?.cacheWriteTokens ?? 0
        return TokenUsage(
            uncachedInput: max(0, usage.promptTokens - cached - written), cacheRead: cached, cacheWrite: written,
            output: usage.completionTokens, reasoning: usage.completionTokensDetails?.reasoningTokens ?? 0)
    }

    /// A rough count for servers that report no usage: four characters per token, the common
    /// rule of thumb for English BPE vocabularies. Always marked estimated.
    public static func estimate(inputText: [String], outputText: String) -> TokenUsage {
        let input = inputText.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
        return TokenUsage(uncachedInput: input, output: (outputText.utf8.count + 3) / 4, isEstimated: true)
    }
}
