/// OpenAI embeddings and models wire types, and the common error body.
package enum OpenAIEmbeddings {
    /// `input` is a string or a list of strings on the wire; read as a list.
    package struct Request: Codable, Sendable, Hashable {
        package var model: String
        package var input: [String]
        package var encodingFormat: String?

        package init(model: String, input: [String], encodingFormat: String? = nil) {
            self.model = model
            self.input = input
            self.encodingFormat = encodingFormat
        }

        enum CodingKeys: String, CodingKey { case model, input, encodingFormat = "encoding_format" }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            encodingFormat = try c.decodeIfPresent(String.self, forKey: .encodingFormat)
            if let single = try? c.decode(String.self, forKey: .input) {
                input = [single]
            } else {
                input = try c.decode([String].self, forKey: .input)
            }
        }
    }

    package struct Embedding: Codable, Sendable, Hashable {
        package var object: String
        package var index: Int
        package var embedding: [Float]
        package init(index: Int, embedding: [Float]) {
            self.object = "embedding"
            self.index = index
            self.embedding = embedding
        }
    }

    package struct Usage: Codable, Sendable, Hashable {
        package var promptTokens: Int
        package var totalTokens: Int
        package init(promptTokens: Int, totalTokens: Int) {
            self.promptTokens = promptTokens
            self.totalTokens = totalTokens
        }
        enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", totalTokens = "total_tokens" }
    }

    package struct Response: Codable, Sendable, Hashable {
        package var object: String
        package var data: [Embedding]
        package var model: String
        package var usage: Usage
        package init(data: [Embedding], model: String, usage: Usage) {
            self.object = "list"
            self.data = data
            self.model = model
            self.usage = usage
        }
    }
}

/// `GET /v1/models`.
package struct OpenAIModelList: Codable, Sendable, Hashable {
    package struct Model: Codable, Sendable, Hashable {
        package var id: String
        package var object: String
        package var created: Int
        package var ownedBy: String
        package init(id: String, created: Int = 0, ownedBy: String) {
            self.id = id
            self.object = "model"
            self.created = created
            self.ownedBy = ownedBy
        }
        enum CodingKeys: String, CodingKey { case id, object, created, ownedBy = "owned_by" }
    }

    package var object: String
    package var data: [Model]
    package init(data: [Model]) {
        self.object = "list"
        self.data = data
    }
}

/// The `{"error": {...}}` body OpenAI-compatible servers return with 4xx and 5xx statuses.
package struct OpenAIErrorBody: Codable, Sendable, Hashable {
    package struct Detail: Codable, Sendable, Hashable {
        package var message: String
        package var type: String?
        package var param: String?
        package var code: String?
        package init(message: String, type: String?, param: String? = nil, code: String? = nil) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        enum CodingKeys: String, CodingKey { case message, type, param, code }

        /// `code` is a string at OpenAI and a number at llama.cpp (`"code": 503`); both are kept
        /// as text, and nothing but `message` is required.
        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            message = try c.decode(String.self, forKey: .message)
            type = try? c.decodeIfPresent(String.self, forKey: .type)
            param = try? c.decodeIfPresent(String.self, forKey: .param)
            if let text = try? c.decodeIfPresent(String.self, forKey: .code) {
                code = text
            } else if let number = try? c.decodeIfPresent(Int.self, forKey: .code) {
                code = String(number)
            } else {
                code = nil
            }
        }
    }

    package var error: Detail
    package init(error: Detail) { self.error = error }
}

/// The `Server-Timing` header (W3C), with which the simulated fleet reports queueing.
package enum ServerTiming {
    /// Formats metrics as `name;dur=milliseconds` entries.
    package static func header(_ metrics: [(name: String, milliseconds: Double)]) -> String {
        metrics.map { "\($0.name);dur=\(($0.milliseconds * 1000).rounded() / 1000)" }.joined(separator: ", ")
    }

    /// The `dur` of the metric `name`, in milliseconds, or `nil`.
    package static func duration(named name: String, in header: String) -> Double? {
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard parts.first == name else { continue }
            for parameter in parts.dropFirst() where parameter.hasPrefix("dur=") {
                return Double(parameter.dropFirst(4))
            }
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
