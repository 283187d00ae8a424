import Foundation
import Testing
import Traces

@Suite("Level ids")
struct LevelIDTests {
    @Test("closed-loop and open-loop ids say what they are and print as the tables do")
    func ids() {
        #expect(LevelID.concurrency(16).rawValue == "c16")
        #expect(LevelID.concurrency(16).concurrency == 16 && LevelID.concurrency(16).ratePerSecond == nil)
        #expect(LevelID.concurrency(16).label == "c=16")
        #expect(LevelID.rate(perSecond: 2.5).rawValue == "r2.5" && LevelID.rate(perSecond: 2.5).ratePerSecond == 2.5)
        #expect(LevelID.rate(perSecond: 4).rawValue == "r4" && LevelID.rate(perSecond: 4).label == "4/s")
        #expect(LevelID(rawValue: "custom").label == "custom")
    }

    @Test("v1 records without a level id get c<concurrency>; new ones carry it")
    func versionOneFiles() throws {
        let window = try JSONDecoder().decode(
            WindowRecord.self,
            from: Data(
                #"{"record":"window","schema_version":1,"run_id":"r","concurrency":4,"level_start_ns":0,"start_ns":0,"end_ns":10}"#
                    .utf8))
        #expect(window.level == .concurrency(4) && window.concurrency == 4)
        let attempt = try JSONDecoder().decode(
            AttemptRecord.self,
            from: Data(
                #"{"record":"attempt","schema_version":1,"run_id":"r","attempt_id":"a","task":"t","concurrency":4,"outcome":"passed","step_count":0}"#
                    .utf8))
        #expect(attempt.level == .concurrency(4))
        let open = try JSONDecoder().decode(
            WindowRecord.self,
            from: Data(
                #"{"record":"window","schema_version":1,"run_id":"r","level":"r2.5","level_start_ns":0,"start_ns":0,"end_ns":10}"#
                    .utf8))
        #expect(open.level == .rate(perSecond: 2.5) && open.concurrency == nil)
        let written = String(
            decoding: try JSONEncoder().encode(WindowRecord(runID: "r", concurrency: 8, levelStart: 0, start: 1, end: 2)),
            as: UTF8.self)
        #expect(written.contains(#""level":"c8""#) && written.contains(#""concurrency":8"#))
    }

    @Test("a window with neither a level nor a concurrency is an error naming the field")
    func missing() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                WindowRecord.self,
                from: Data(
                    #"{"record":"window","schema_version":1,"run_id":"r","level_start_ns":0,"start_ns":0,"end_ns":10}"#.utf8))
        }
    }
}

@Suite("Cache-write names and token bounds")
struct CacheWriteNameTests {
    static func step(_ usage: String) -> String {
        #"{"record":"step","schema_version":1,"run_id":"r","attempt_id":"a","step_id":"s0","step_index":0,"gen_ai.operation.name":"chat","use_class":"act","gen_ai.usage.input_tokens":1000,"gen_ai.usage.output_tokens":10"#
            + usage + "}"
    }

    static func decode(_ usage: String) throws -> StepRecord {
        try JSONDecoder().decode(StepRecord.self, from: Data(step(usage).utf8))
    }

    @Test("the current name, the old one, or both agreeing, read the same")
    func names() throws {
        for usage in [
            #","gen_ai.usage.cache_write.input_tokens":300"#, #","gen_ai.usage.cache_creation.input_tokens":300"#,
            #","gen_ai.usage.cache_write.input_tokens":300,"gen_ai.usage.cache_creation.input_tokens":300"#,
        ] {
            let usage = try #require(try Self.decode(usage).usage)
            #expect(usage.cacheWrite == 300 && usage.uncachedInput == 700)
        }
    }

    @Test("names that disagree, and counts no step could have, are errors naming the field")
    func errors() {
        #expect {
            try Self.decode(#","gen_ai.usage.cache_write.input_tokens":300,"gen_ai.usage.cache_creation.input_tokens":200"#)
        } throws: { "\($0)".contains("disagree") }
        #expect {
            try JSONDecoder().decode(
                StepRecord.self,
                from: Data(
                    Self.step("").replacingOccurrences(of: ":1000,", with: ":9223372036854775807,").utf8))
        } throws: { "\($0)".contains("gen_ai.usage.input_tokens") && "\($0)".contains("expected a token count") }
    }
}

@Suite("Run records")
struct RunRecordTests {
    @Test("a run without a wall-clock time is written and read without one, never as 1970")
    func noStartTime() throws {
        let run = RunRecord(runID: "r", startedAt: nil, agentperfVersion: "import", workload: "w")
        let line = String(decoding: try JSONEncoder().encode(run), as: UTF8.self)
        #expect(!line.contains("started_at"))
        #expect(try JSONDecoder().decode(RunRecord.self, from: Data(line.utf8)).startedAt == nil)
    }
}

@Suite("Attempt token totals")
struct AttemptTokenTests {
    @Test("an attempt's unattributed totals are bounded and checked like a step's")
    func bounded() {
        let base =
            #"{"record":"attempt","schema_version":1,"run_id":"r","attempt_id":"a","task":"t","outcome":"passed","step_count":0"#
        #expect {
            try JSONDecoder().decode(
                AttemptRecord.self,
                from: Data(
                    (base + #","unattributed_input_tokens":9223372036854775807,"unattributed_cache_read_tokens":-1}"#).utf8))
        } throws: { "\($0)".contains("unattributed_input_tokens") && "\($0)".contains("expected a token count") }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                AttemptRecord.self,
                from: Data((base + #","unattributed_input_tokens":10,"unattributed_cache_read_tokens":20}"#).utf8))
        }
    }
}
