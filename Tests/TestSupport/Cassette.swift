public import Foundation
import Yams

/// A VCR cassette (the YAML recordings of real HTTP exchanges in Tests/Fixtures/real/sse).
public struct Cassette: Sendable {
    public var requestBody: String
    public var responseBody: String
    public var status: Int

    /// Reads the first interaction of a cassette file.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let root = try Yams.compose(yaml: text),
            let interaction = root["interactions"]?.sequence?.first,
            let response = interaction["response"],
            let body = response["body"]?["string"]?.string
        else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        responseBody = body
        requestBody = interaction["request"]?["body"]?.string ?? ""
        status = response["status"]?["code"]?.int ?? 0
    }
}
