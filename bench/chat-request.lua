-- wrk script: the same request shape as bench/ceiling.yaml (about 500 prompt tokens of
-- one-token words, 64 output tokens, streamed with usage in the final chunk).
local words = {}
for i = 1, 500 do words[i] = "w" .. string.format("%x", (i * 2654435761) % 1048576) end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"sim-small","max_tokens":64,"ignore_eos":true,"stream":true,' ..
  '"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"' ..
  table.concat(words, " ", 1, 400) .. '"},{"role":"user","content":"' ..
  table.concat(words, " ", 401, 500) .. '"}]}'

done = function(summary, latency, requests)
  io.write(string.format("WRK_RESULT requests_per_second=%.3f p50_us=%d p99_us=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
