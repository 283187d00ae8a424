import Foundation
import SpecDecoding
import TestSupport
import Testing

@testable import Routing

@Suite struct TableReaderTests {
    func read(
        _ name: String, _ text: String, layout: TableLayout = TableLayout()
    ) throws -> (
        table: OutcomeTable, problems: [InputProblem]
    ) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try directory.write(name, text)
        var builder = OutcomeTableBuilder()
        OutcomeTableReader.read(url, name: name, layout: layout, into: &builder)
        return builder.build()
    }

    @Test func aRouterBenchWideTableWithQuotedNewlines() throws {
        let csv = """
            sample_id,prompt,eval_name,gpt-4,gpt-4|model_response,gpt-4|total_cost,mixtral,mixtral|model_response,mixtral|total_cost,oracle_model_to_route_to
            mmlu.1,"What is 2+2?
            Answer briefly, ""please"".",mmlu,True,"4",0.003,False,"5",0.0006,gpt-4
            mmlu.2,plain,mmlu,1.0,ok,0.002,1,ok,0.0004,mixtral
            """
        let (table, problems) = try read("wide.csv", csv)
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.models == ["gpt-4", "mixtral"])
        #expect(table.items == ["mmlu.1", "mmlu.2"])
        #expect(table.outcome(item: 0, model: 0) == Outcome(quality: 1, cost: 0.003))
        #expect(table.outcome(item: 0, model: 1) == Outcome(quality: 0, cost: 0.0006))
        #expect(table.outcome(item: 1, model: 1).quality == 1)
        #expect(table.hasCost && !table.hasLatency)
    }

    @Test func aLongJSONLinesTable() throws {
        let jsonl = """
            {"item": "a", "model": "small", "score": true, "cost": 0.01, "latency": 1.5, "tokens": 900}
            {"item": "a", "model": "large", "score": 0.75, "cost": 0.1, "latency": 3, "tokens": 1200}
            {"item": "b", "model": "small", "score": false, "cost": 0.01, "latency": 1, "tokens": 800}
            {"item": "b", "model": "large", "score": 1, "cost": 0.1, "latency": 2, "tokens": 1000}
            """
        let (table, problems) = try read("long.jsonl", jsonl)
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.models == ["small", "large"])
        #expect(table.outcome(item: 0, model: 1) == Outcome(quality: 0.75, cost: 0.1, latency: 3, tokens: 1200))
        #expect(table.hasLatency && table.hasTokens)
    }

    @Test func columnNamesFromFlags() throws {
        let csv = "q,who,ok,usd\nx,m1,1,0.5\nx,m2,0,0.1\n"
        var layout = TableLayout()
        layout.shape = .long
        layout.itemColumn = "q"
        layout.modelColumn = "who"
        layout.scoreColumn = "ok"
        layout.costColumn = "usd"
        let (table, problems) = try read("named.csv", csv, layout: layout)
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.outcome(item: 0, model: 0) == Outcome(quality: 1, cost: 0.5))
    }

    @Test func aNonNumericScoreIsNamedByLineAndColumnAndTheRestIsRead() throws {
        let csv = "item,a,a|total_cost,b,b|total_cost\n1,1,0.1,0,0.01\n2,yes,0.1,1,0.01\n3,0,0.1,1,0.01\n"
        let (table, problems) = try read("bad.csv", csv)
        #expect(table.items == ["1", "3"])
        let descriptions = problems.map(\.description)
        #expect(descriptions.contains { $0.hasPrefix("bad.csv:3:2: a: \"yes\" is not a score") }, "\(descriptions)")
        #expect(descriptions.contains { $0.contains("item \"2\" has no outcome for \"a\"") }, "\(descriptions)")
    }

    @Test func aMissingModelColumnIsAProblemAndTheOtherModelsAreRead() throws {
        let csv = "item,a,b\n1,1,0\n2,0,1\n"
        var layout = TableLayout()
        layout.models = ["a", "c", "b"]
        let (table, problems) = try read("models.csv", csv, layout: layout)
        #expect(table.models == ["a", "b"])
        #expect(table.items == ["1", "2"])
        #expect(problems.count == 1)
        #expect(problems.first?.description.hasPrefix("models.csv:1: c: no such column") == true)
    }

    @Test func anItemMissingAModelIsLeftOutAndNamed() throws {
        let jsonl = """
            {"item": "a", "model": "small", "score": 1}
            {"item": "a", "model": "large", "score": 1}
            {"item": "b", "model": "small", "score": 0}
            not json
            {"item": "c", "model": "small", "score": 2}
            """
        let (table, problems) = try read("gaps.jsonl", jsonl)
        #expect(table.items == ["a"])
        let descriptions = problems.map(\.description)
        #expect(descriptions.contains { $0.hasPrefix("gaps.jsonl:4: not a JSON object") }, "\(descriptions)")
        #expect(descriptions.contains { $0.hasPrefix("gaps.jsonl:5: score: \"2\" is not a score") }, "\(descriptions)")
        #expect(
            descriptions.contains { $0.hasPrefix("gaps.jsonl:3: item \"b\" has no outcome for \"large\"") }, "\(descriptions)")
    }

    @Test func anUnclosedQuoteStopsTheFileWithItsLine() throws {
        let csv = "item,a,b\n1,1,0\n2,\"1,0\n"
        let (table, problems) = try read("quote.csv", csv)
        #expect(table.items == ["1"])
        #expect(problems.first?.description == "quote.csv:3: a quoted field is not closed before the end of the file")
    }

    @Test func wideColumnsAreDetectedFromTheFirstRowWithoutPipes() throws {
        let csv = "id,prompt,m1,m2\nq1,hello,1,0\nq2,world,0.5,1\n"
        let (table, problems) = try read("plain.csv", csv)
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.models == ["m1", "m2"])
        #expect(table.outcome(item: 1, model: 0).quality == 0.5)
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstHeader() throws {
        let (table, problems) = try read("bom.csv", "\u{FEFF}item,model,score\nx,a,1\nx,b,0\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(table.items == ["x"] && table.models == ["a", "b"])
    }

    @Test func jsonIntegerIdsStayIntegersAndLateKeysAreReported() throws {
        let jsonl = """
            {"question_id": 81, "model": "a", "score": 1}
            {"question_id": 81, "model": "b", "score": 0, "cost": 0.5}
            """
        var layout = TableLayout()
        layout.itemColumn = "question_id"
        let (table, problems) = try read("ids.jsonl", jsonl, layout: layout)
        #expect(table.items == ["81"])
        #expect(
            problems.map(\.description) == [
                "ids.jsonl:2: cost: a key the first object lacks; the columns are the first object's keys, so it is ignored (give every key on the first line)"
            ])
    }

    @Test func aBadCellInAMultiLineRecordIsNamedByItsOwnLine() throws {
        let csv = "item,prompt,a,b\n1,\"two\nlines\",oops,1\n"
        var layout = TableLayout()
        layout.models = ["a", "b"]
        let (_, problems) = try read("multi.csv", csv, layout: layout)
        #expect(problems.first?.description.hasPrefix("multi.csv:3:3: a: \"oops\" is not a score") == true, "\(problems)")
    }

    @Test func problemsBeyondTheLimitAreCountedNotKept() throws {
        let rows = (0..<1_500).map { "\($0),bad,1" }.joined(separator: "\n")
        let (table, problems) = try read(
            "many.csv", "item,a,b\n" + rows + "\n",
            layout: {
                var l = TableLayout(); l.models = ["a", "b"]; return l
            }())
        #expect(table.items.isEmpty)
        #expect(problems.count == OutcomeTableBuilder.maxProblems + 1)
        #expect(problems.last?.message.contains("more problems") == true)
    }

    @Test func routerScores() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try directory.write("scores.csv", "item,score\na,0.9\nb,oops\nc,-2\n")
        let (scores, problems) = RouterScoresReader.read(url, name: "scores.csv", itemColumn: nil, scoreColumn: "score")
        #expect(scores == ["a": 0.9, "c": -2])
        #expect(problems.map(\.description) == ["scores.csv:3:2: score: \"oops\" is not a finite number"])
    }
}
