/// The shape of a transformer, enough for first-order timing and memory (SPEC §7).
public struct ModelArchitecture: Sendable, Hashable {
    /// Whether the model generates tokens or only encodes its input.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Generates tokens (prefill, then decode).
        case generative
        /// Prefill only: returns one vector per input (embedding and rerank models).
        case encoder
    }

    /// Catalog id, as a deployment's `model` names it (`llama-3.1-8b`).
    public var id: String
    /// Generative or encoder: encoder models are prefill-only.
    public var kind: Kind
    /// Transformer layers.
    public var layers: Int
    /// Width of the residual stream (the model dimension).
    public var hidden: Int
    /// Attention (query) heads per layer.
    public var heads: Int
    /// Key/value heads per layer: fewer than `heads` with grouped-query attention, which shrinks the KV cache.
    public var kvHeads: Int
    /// Dimension of each attention head.
    public var headDim: Int
    /// Width of the MLP's inner layer.
    public var intermediate: Int
    /// Gated MLPs (SwiGLU) have three weight matrices, plain ones two.
    public var gatedMLP: Bool
    /// Vocabulary size, in tokens: the rows of the embedding table and, for generative models, of the LM head.
    public var vocabulary: Int
    /// Longest context served, in tokens: a request whose prompt plus requested output exceeds it is rejected.
    public var maxContext: Int
    /// Bytes per weight and per KV element (2 for BF16).
    public var bytesPerParameter: Double
    /// Output vector size of encoder models.
    public var embeddingDimension: Int

    /// A model shape; `bytesPerParameter` defaults to 2 (BF16) and `embeddingDimension` to 0 (no output vector).
    public init(
        id: String, kind: Kind, layers: Int, hidden: Int, heads: Int, kvHeads: Int, headDim: Int,
        intermediate: Int, gatedMLP: Bool, vocabulary: Int, maxContext: Int, bytesPerParameter: Double = 2,
        embeddingDimension: Int = 0
    ) {
        self.id = id
        self.kind = kind
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.intermediate = intermediate
        self.gatedMLP = gatedMLP
        self.vocabulary = vocabulary
        self.maxContext = maxContext
        self.bytesPerParameter = bytesPerParameter
        self.embeddingDimension = embeddingDimension
    }

    /// Linear-layer parameters of one transformer layer: Q, K, V, O projections and the MLP.
    public var linearParametersPerLayer: Double {
        let attention = Double(hidden * heads * headDim) * 2 + Double(hidden * kvHeads * headDim) * 2
        let mlp = Double(gatedMLP ? 3 : 2) * Double(hidden * intermediate)
        return attention + mlp
    }

    /// Parameters of the language-model head (generative models only).
    public var headParameters: Double { kind == .generative ? Double(hidden * vocabulary) : 0 }

    /// Parameters read from memory by every forward pass: all layers plus the head.
    public var parametersReadPerPass: Double { Double(layers) * linearParametersPerLayer + headParameters }

    /// Bytes of weights resident in memory (the embedding table included).
    public var weightBytes: Double { (parametersReadPerPass + Double(hidden * vocabulary)) * bytesPerParameter }

    /// KV-cache bytes per token: 2 × layers × KV heads × head dim × bytes.
    public var kvBytesPerToken: Double { 2 * Double(layers * kvHeads * headDim) * bytesPerParameter }
}

extension ModelArchitecture {
    /// Llama 2 7B: 32 layers, full multi-head attention (32 KV heads), a 4k-token context.
    public static let llama2_7B = ModelArchitecture(
        id: "llama-2-7b", kind: .generative, layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128,
        intermediate: 11008, gatedMLP: true, vocabulary: 32000, maxContext: 4096)
    /// Llama 3 8B: 32 layers, grouped-query attention (8 KV heads), an 8k-token context.
    public static let llama3_8B = ModelArchitecture(
        id: "llama-3-8b", kind: .generative, layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128,
        intermediate: 14336, gatedMLP: true, vocabulary: 128_256, maxContext: 8192)
    /// Llama 3.1: the Llama 3 shapes with a 128k-token context.
    public static let llama31_8B = ModelArchitecture(
        id: "llama-3.1-8b", kind: .generative, layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128,
        intermediate: 14336, gatedMLP: true, vocabulary: 128_256, maxContext: 131_072)
    /// Llama 3.1 70B: the Llama 3 70B shapes with a 128k-token context.
    public static let llama31_70B = ModelArchitecture(
        id: "llama-3.1-70b", kind: .generative, layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128,
        intermediate: 28672, gatedMLP: true, vocabulary: 128_256, maxContext: 131_072)
    /// Llama 3.2 1B: 16 layers of width 2048, 8 KV heads of dimension 64; a 32k-token context here.
    public static let llama32_1B = ModelArchitecture(
        id: "llama-3.2-1b", kind: .generative, layers: 16, hidden: 2048, heads: 32, kvHeads: 8, headDim: 64,
        intermediate: 8192, gatedMLP: true, vocabulary: 128_256, maxContext: 32768)
    /// Llama 2 70B: 80 layers, grouped-query attention (8 KV heads), a 4k-token context.
    public static let llama2_70B = ModelArchitecture(
        id: "llama-2-70b", kind: .generative, layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128,
        intermediate: 28672, gatedMLP: true, vocabulary: 32000, maxContext: 4096)
    /// Llama 3 70B: 80 layers, grouped-query attention (8 KV heads), an 8k-token context.
    public static let llama3_70B = ModelArchitecture(
        id: "llama-3-70b", kind: .generative, layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128,
        intermediate: 28672, gatedMLP: true, vocabulary: 128_256, maxContext: 8192)
    /// BAAI bge-large-en-v1.5 (BERT-large shape), 1024-dimensional embeddings.
    public static let bgeLarge = ModelArchitecture(
        id: "bge-large-en-v1.5", kind: .encoder, layers: 24, hidden: 1024, heads: 16, kvHeads: 16, headDim: 64,
        intermediate: 4096, gatedMLP: false, vocabulary: 30522, maxContext: 512, embeddingDimension: 1024)
    /// sentence-transformers all-MiniLM-L6-v2, 384-dimensional embeddings.
    public static let miniLM = ModelArchitecture(
        id: "all-minilm-l6-v2", kind: .encoder, layers: 6, hidden: 384, heads: 12, kvHeads: 12, headDim: 32,
        intermediate: 1536, gatedMLP: false, vocabulary: 30522, maxContext: 512, embeddingDimension: 384)

    /// Every built-in model.
    public static let catalog: [ModelArchitecture] = [
        .llama32_1B, .llama2_7B, .llama3_8B, .llama31_8B, .llama2_70B, .llama3_70B, .llama31_70B, .bgeLarge, .miniLM,
    ]

    /// The catalog entry with this id.
    public static func named(_ id: String) -> ModelArchitecture? { catalog.first { $0.id == id } }
}
