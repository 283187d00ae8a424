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
