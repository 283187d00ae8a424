/// The work of one engine iteration: what the batch computes and reads.
public struct IterationWork: Sendable, Hashable {
    /// Tokens computed (decode tokens plus prefill-chunk tokens), N.
    public var batchTokens: Int = 0
    /// KV-cache tokens read by attention, R.
    public var kvTokensRead: Int = 0
    /// Attention FLOPs of the whole model for this batch.
    public var attentionFLOPs: Double = 0
    /// Sequences that sample a token this iteration (each runs the LM head once).
    public var sampledSequences: Int = 0

    /// An empty batch: every count zero.
    public init() {}

    /// Adds `queryTokens` new tokens of a sequence that already has `context` tokens in cache.
    public mutating func add(queryTokens: Int, context: Int, samples: Bool, model: ModelArchitecture) {
        let q = Double(queryTokens)
        batchTokens += queryTokens
        kvTokensRead += context + queryTokens
        attentionFLOPs += 4 * Double(model.layers * model.heads * model.headDim) * q * (Double(context) + q / 2)
        if samples { sampledSequences += 1 }
    }
}

/// First-order time of one engine iteration (SPEC §7), fit to Vidur's profiled operator times:
///
///     t_mem = (P·b_w + R·kv_bytes) / TP ÷ (η_bw·BW)
///     t_cmp = (2·P_layers·N + 2·P_head·S + attention FLOPs) / TP ÷ (η_c·F)
///     t     = L·k + √(t_mem² + t_cmp²) + all-reduce (TP > 1) + CPU overhead
///
/// P counts the weights read each pass (layers and LM head); the head's FLOPs apply only to
/// the S sequences that sample. A first-order model: it ignores kernel choice, quantisation
/// and communication overlap, and says so in docs/SIMULATOR.md.
public struct IterationTimeModel: Sendable, Hashable {
    /// The model whose iterations are timed.
    public var model: ModelArchitecture
    /// The accelerator each of the `tensorParallel` GPUs is.
    public var hardware: Hardware
    /// GPUs the model is split over (TP): memory and compute time divide by it, and above 1 all-reduces are added.
    public var tensorParallel: Int
    /// η_bw, achieved fraction of HBM bandwidth.
    public var bandwidthEfficiency: Double
    /// η_c, achieved fraction of peak FLOP/s.
    public var computeEfficiency: Double
    /// k, fixed cost per layer (kernel launches), seconds.
    public var perLayerOverhead: Double
    /// Latency of one all-reduce, seconds (added to its bandwidth term).
    public var allReduceLatency: Double
    /// Scheduling, sampling and HTTP work on the host per iteration, seconds.
    public var cpuOverhead: Double

    /// A time model; the default efficiencies and overheads are the ones docs/SIMULATOR.md checks against Vidur,
    /// except `cpuOverhead`, which defaults to 0 here (deployments default to 500 µs).
    public init(
        model: ModelArchitecture, hardware: Hardware, tensorParallel: Int = 1, bandwidthEfficiency: Double = 0.75,
        computeEfficiency: Double = 0.65, perLayerOverhead: Double = 25e-6, allReduceLatency: Double = 2e-6,
        cpuOverhead: Double = 0
    ) {
        self.model = model
        self.hardware = hardware
        self.tensorParallel = tensorParallel
        self.bandwidthEfficiency = bandwidthEfficiency
        self.computeEfficiency = computeEfficiency
        self.perLayerOverhead = perLayerOverhead
        self.allReduceLatency = allReduceLatency
        self.cpuOverhead = cpuOverhead
    }

    /// Seconds the iteration takes; zero for an empty batch.
    public func seconds(for work: IterationWork) -> Double {
        guard work.batchTokens > 0 else { return 0 }
        let tp = Double(tensorParallel)
        let weightBytes = model.parametersReadPerPass * model.bytesPerParameter
        let kvBytes = Double(work.kvTokensRead) * model.kvBytesPerToken
        let memory = (weightBytes + kvBytes) / tp / (bandwidthEfficiency * hardware.memoryBandwidth)
        let layerFLOPs = 2 * Double(model.layers) * model.linearParametersPerLayer * Double(work.batchTokens)
        let headFLOPs = 2 * model.headParameters * Double(work.sampledSequences)
        let compute = (layerFLOPs + headFLOPs + work.attentionFLOPs) / tp / (computeEfficiency * hardware.peakFLOPS)
        var total = Double(model.layers) * perLayerOverhead + (memory * memory + compute * compute).squareRoot()
        if tensorParallel > 1 {
            // Two ring all-reduces per layer of N × hidden activations.
            let bytes = 2 * (tp - 1) / tp * Double(work.batchTokens * model.hidden) * model.bytesPerParameter
            total += 2 * Double(model.layers) * (allReduceLatency + bytes / hardware.interconnectBandwidth)
        }
        return total + cpuOverhead
    }

    /// Tokens of KV cache that fit: (TP × HBM × utilisation − weights) ÷ KV bytes per token.
    public func kvCapacityTokens(memoryUtilization: Double) -> Int {
        let free = Double(tensorParallel) * hardware.memoryBytes * memoryUtilization - model.weightBytes
        return max(0, Int(free / model.kvBytesPerToken))
    }
}
