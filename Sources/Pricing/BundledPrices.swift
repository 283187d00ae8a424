import Foundation

extension PriceTable {
    /// The label of the bundled snapshot.
    public static let bundledVersion = "agentperf-bundled-2025-11"

    /// A dated snapshot of public list prices for common models, in LiteLLM's schema (US dollars
    /// per token), used by `agentperf analyze` unless `--prices` gives another table.
    ///
    /// Compiled from the providers' published price pages as of November 2025; prices change,
    /// so pass LiteLLM's current `model_prices_and_context_window.json` with `--prices` for
    /// billing-grade figures. Every cost line names the entry it used.
    public static let bundled: PriceTable = {
        do {
            var table = try JSONDecoder().decode(PriceTable.self, from: Data(bundledJSON.utf8))
            table.version = bundledVersion
            return table
        } catch {
            // The snapshot is checked by the test suite; reaching this is a packaging bug.
            return PriceTable(version: "\(bundledVersion) (unreadable: \(error))")
        }
    }()

    static let bundledJSON = """
        {
          "claude-opus-4-5-20251101": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
            "cache_creation_input_token_cost": 6.25e-06, "cache_creation_input_token_cost_above_1hr": 1e-05,
            "cache_read_input_token_cost": 5e-07},
          "claude-opus-4-1-20250805": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 1.5e-05, "output_cost_per_token": 7.5e-05,
            "cache_creation_input_token_cost": 1.875e-05, "cache_creation_input_token_cost_above_1hr": 3e-05,
            "cache_read_input_token_cost": 1.5e-06},
          "claude-opus-4-20250514": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 1.5e-05, "output_cost_per_token": 7.5e-05,
            "cache_creation_input_token_cost": 1.875e-05, "cache_creation_input_token_cost_above_1hr": 3e-05,
            "cache_read_input_token_cost": 1.5e-06},
          "claude-sonnet-4-5-20250929": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
            "cache_read_input_token_cost": 3e-07,
            "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
            "cache_read_input_token_cost_above_200k_tokens": 6e-07},
          "claude-sonnet-4-20250514": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
            "cache_read_input_token_cost": 3e-07,
            "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
            "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
            "cache_read_input_token_cost_above_200k_tokens": 6e-07},
          "claude-3-7-sonnet-20250219": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07},
          "claude-3-5-sonnet-20241022": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07},
          "claude-3-5-sonnet-20240620": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
            "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07},
          "claude-haiku-4-5-20251001": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06,
            "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_above_1hr": 2e-06,
            "cache_read_input_token_cost": 1e-07},
          "claude-3-5-haiku-20241022": {"litellm_provider": "anthropic", "mode": "chat",
            "input_cost_per_token": 8e-07, "output_cost_per_token": 4e-06,
            "cache_creation_input_token_cost": 1e-06, "cache_read_input_token_cost": 8e-08},
          "gpt-5": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-07},
          "gpt-5-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2.5e-07, "output_cost_per_token": 2e-06, "cache_read_input_token_cost": 2.5e-08},
          "gpt-5-nano": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 5e-08, "output_cost_per_token": 4e-07, "cache_read_input_token_cost": 5e-09},
          "gpt-4.1": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "cache_read_input_token_cost": 5e-07},
          "gpt-4.1-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 4e-07, "output_cost_per_token": 1.6e-06, "cache_read_input_token_cost": 1e-07},
          "gpt-4.1-nano": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-07, "output_cost_per_token": 4e-07, "cache_read_input_token_cost": 2.5e-08},
          "gpt-4o": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
          "gpt-4o-2024-08-06": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
          "gpt-4o-2024-11-20": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
          "gpt-4o-2024-05-13": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 5e-06, "output_cost_per_token": 1.5e-05},
          "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "cache_read_input_token_cost": 7.5e-08},
          "gpt-4o-mini-2024-07-18": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "cache_read_input_token_cost": 7.5e-08},
          "gpt-4-turbo": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-05, "output_cost_per_token": 3e-05},
          "gpt-4-1106-preview": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-05, "output_cost_per_token": 3e-05},
          "gpt-4-0125-preview": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-05, "output_cost_per_token": 3e-05},
          "gpt-4": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05},
          "gpt-4-0613": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05},
          "gpt-3.5-turbo-1106": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
          "o1": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.5e-05, "output_cost_per_token": 6e-05, "cache_read_input_token_cost": 7.5e-06},
          "o3": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "cache_read_input_token_cost": 5e-07},
          "o3-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.1e-06, "output_cost_per_token": 4.4e-06, "cache_read_input_token_cost": 5.5e-07},
          "o4-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1.1e-06, "output_cost_per_token": 4.4e-06, "cache_read_input_token_cost": 2.75e-07},
          "gemini-2.5-pro": {"litellm_provider": "gemini", "mode": "chat",
            "input_cost_per_token": 1.25e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 3.1e-07,
            "input_cost_per_token_above_200k_tokens": 2.5e-06, "output_cost_per_token_above_200k_tokens": 1.5e-05,
            "cache_read_input_token_cost_above_200k_tokens": 6.25e-07},
          "gemini-2.5-flash": {"litellm_provider": "gemini", "mode": "chat",
            "input_cost_per_token": 3e-07, "output_cost_per_token": 2.5e-06, "cache_read_input_token_cost": 7.5e-08},
          "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding",
            "input_cost_per_token": 2e-08, "output_cost_per_token": 0},
          "text-embedding-3-large": {"litellm_provider": "openai", "mode": "embedding",
            "input_cost_per_token": 1.3e-07, "output_cost_per_token": 0}
        }
        """
}
