package import SpecDecoding

/// The workload `agentperf run` uses when given none.
package enum BundledWorkload {
    /// How the bundled workload is named in messages and traces.
    package static let source = "<bundled default>"

    /// Loads the bundled workload (it is checked by the test suite, so this cannot fail in a
    /// released build; an error here is a packaging bug and is reported as such).
    package static func load() throws(SpecError) -> Workload {
        try WorkloadLoader.load(yaml: yaml, source: source)
    }

    /// Four representative agent tasks on the built-in simulated fleet, sized to show all
    /// three concurrency levels in under a minute on a laptop. `agentperf workload` prints it.
    package static let yaml = """
        # AgentPerf's bundled default workload: four tasks that look like real agent work,
        # run on the built-in simulated fleet (sim-small: Llama-3.1-8B on one H100; sim-large:
        # Llama-3.1-70B on four H200s; sim-embed: bge-large on an L4).
        name: agent-mix
        description: >
          A coding fix, a retrieval answer, a multi-agent brief and a support conversation,
          mixed; the fleet is sized so that 64 concurrent agents exceed its capacity.
        seed: 42
        load:
          concurrency: [1, 16, 64]
          warmup: 2s
          duration: 10s
          attempt_timeout: 60s

        tools:
          read_file:     {latency: {lognormal: {median: 30ms, p95: 120ms}}, result_tokens: {min: 300, max: 800}}
          edit_file:     {latency: 20ms, result_tokens: 30}
          run_tests:     {latency: {lognormal: {median: 400ms, p95: 1.5s}}, result_tokens: 400}
          vector_search: {latency: {lognormal: {median: 60ms, p95: 200ms}}, result_tokens: 1200}
          web_search:    {latency: {lognormal: {median: 300ms, p95: 1.2s}}, result_tokens: 700, cost_per_call: 0.005}
          lookup_order:  {latency: {lognormal: {median: 80ms, p95: 300ms}}, result_tokens: 150}

        tasks:
          - name: fix-failing-test
            description: A coding agent plans a fix for a failing test, edits, reruns the tests, and reviews its change.
            system_prompt_tokens: 1500
            task_prompt_tokens: 300
            pass_probability: {small: 0.55, large: 0.8}
            steps:
              - model: {tier: large, use: plan, output_tokens: 48}
              - tool: {name: read_file, use: read}
              - repeat:
                  times: {min: 1, max: 2}
                  steps:
                    - model: {tier: small, use: act, output_tokens: 60}
                    - tool: {name: edit_file, use: act}
                    - tool: {name: run_tests, use: verify}
              - model: {tier: large, use: verify, output_tokens: 24}

          - name: answer-from-docs
            description: Retrieval QA - embed the question, search the docs, answer from the retrieved passages.
            system_prompt_tokens: 800
            task_prompt_tokens: 60
            pass_probability: {small: 0.75, large: 0.9}
            steps:
              - embed: {tier: embedding, input_tokens: 40}
              - tool: {name: vector_search, use: read}
              - model: {tier: small, use: act, output_tokens: 120}

          - name: research-brief
            description: A lead agent plans, three researcher sub-agents search the web in parallel, the lead writes the brief.
            system_prompt_tokens: 1200
            task_prompt_tokens: 150
            pass_probability: {large: 0.7}
            steps:
              - model: {tier: large, use: plan, output_tokens: 48}
              - fanout:
                  agents: 3
                  name: researcher
                  system_prompt_tokens: 600
                  task_prompt_tokens: 80
                  steps:
                    - tool: {name: web_search, use: read}
                    - model: {tier: small, use: read, output_tokens: 80}
              - model: {tier: large, use: act, output_tokens: 96}

          - name: refund-request
            description: A customer-support agent handles a refund in several short turns against an order system.
            system_prompt_tokens: 2000
            task_prompt_tokens: 80
            pass_probability: {small: 0.85}
            steps:
              - repeat:
                  times: {min: 2, max: 4}
                  steps:
                    - model: {tier: small, use: act, output_tokens: 40}
                    - tool: {name: lookup_order, use: read}
              - model: {tier: small, use: act, output_tokens: 60}
        """
}
