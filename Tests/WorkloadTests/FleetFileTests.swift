import RunTarget
import SimulatedFleet
import SpecDecoding
import Testing

/// Fleet sections checked as a serving engine checks its deployment before it starts.
@Suite struct FleetFileTests {
    static func fleet(_ large: String) -> String {
        WorkloadLoaderTests.minimal + """

            fleet:
              deployments:
                - {name: sim-small, model: llama-3.1-8b, hardware: h100-sxm}
                - \(large)
            """
    }

    static func error(_ yaml: String) -> SpecError? {
        do {
            _ = try RunSpecLoader.load(yaml: yaml, source: "w.yaml")
            return nil
        } catch { return error }
    }

    @Test("70B in BF16 on 2 × 80 GB leaves KV room for less than one full-length sequence: refused with the numbers")
    func noKVRoom() throws {
        let error = try #require(
            Self.error(Self.fleet("{name: sim-large, model: llama-3.1-70b, hardware: h100-sxm, tensor_parallel: 2}")))
        #expect(error.line == 16 && error.field == "fleet.deployments[1].model", "\(error)")
        #expect(error.message.contains("leaves 2.9 GB of 144.0 GB"), "\(error.message)")
        #expect(error.message.contains("8835 tokens, fewer than one 131072-token sequence"), "\(error.message)")
    }

    @Test("max_model_len lowers the context served, so the same deployment fits, and requests are held to it")
    func maxModelLen() throws {
        let spec = try RunSpecLoader.load(
            yaml: Self.fleet(
                "{name: sim-large, model: llama-3.1-70b, hardware: h100-sxm, tensor_parallel: 2, max_model_len: 8192}"),
            source: "w.yaml")
        let served = try Fleet(configuration: spec.target.fleet).servedModels
        #expect(served.first { $0.name == "sim-large" }?.architecture.maxContext == 8192)
        #expect(served.first { $0.name == "sim-small" }?.architecture.maxContext == 131_072)
    }

    @Test("max_model_len beyond the model's own context, or too long for the KV room, is refused at that field")
    func maxModelLenBounds() throws {
        let tooLong = try #require(
            Self.error(
                Self.fleet("{name: sim-large, model: llama-3.1-70b, hardware: h200, tensor_parallel: 4, max_model_len: 200000}")))
        #expect(tooLong.field == "fleet.deployments[1].max_model_len" && tooLong.message.contains("16 to 131072"), "\(tooLong)")
        let noRoom = try #require(
            Self.error(
                Self.fleet(
                    "{name: sim-large, model: llama-3.1-70b, hardware: h100-sxm, tensor_parallel: 2, max_model_len: 16384}")))
        #expect(
            noRoom.field == "fleet.deployments[1].max_model_len" && noRoom.message.contains("16384-token sequence"), "\(noRoom)")
    }
}
