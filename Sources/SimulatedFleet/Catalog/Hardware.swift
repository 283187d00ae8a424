/// An accelerator, as its vendor data sheet describes it.
public struct Hardware: Sendable, Hashable {
    /// Catalog id, as a deployment's `hardware` names it (`h100-sxm`).
    public var id: String
    /// Peak dense BF16 throughput, FLOP/s.
    public var peakFLOPS: Double
    /// HBM bandwidth, bytes/s.
    public var memoryBandwidth: Double
    /// HBM capacity, bytes.
    public var memoryBytes: Double
    /// GPU-to-GPU bandwidth as the data sheet quotes it (NVLink total), for all-reduce, bytes/s.
    public var interconnectBandwidth: Double

    /// An accelerator with the given figures: FLOP/s, bytes/s, bytes, and bytes/s between GPUs.
    public init(id: String, peakFLOPS: Double, memoryBandwidth: Double, memoryBytes: Double, interconnectBandwidth: Double) {
        self.id = id
        self.peakFLOPS = peakFLOPS
        self.memoryBandwidth = memoryBandwidth
        self.memoryBytes = memoryBytes
        self.interconnectBandwidth = interconnectBandwidth
    }
}

extension Hardware {
    /// NVIDIA H100 SXM5 80 GB: 989 TFLOP/s dense BF16, 3.35 TB/s, NVLink 4 (900 GB/s).
    public static let h100SXM = Hardware(
        id: "h100-sxm", peakFLOPS: 989e12, memoryBandwidth: 3.35e12, memoryBytes: 80e9, interconnectBandwidth: 900e9)
    /// NVIDIA H200 SXM 141 GB: same compute as H100, 4.8 TB/s, NVLink 4 (900 GB/s).
    public static let h200 = Hardware(
        id: "h200", peakFLOPS: 989e12, memoryBandwidth: 4.8e12, memoryBytes: 141e9, interconnectBandwidth: 900e9)
    /// NVIDIA A100 SXM 80 GB: 312 TFLOP/s dense BF16, 2.039 TB/s, NVLink 3 (600 GB/s).
    public static let a100SXM80 = Hardware(
        id: "a100-80gb", peakFLOPS: 312e12, memoryBandwidth: 2.039e12, memoryBytes: 80e9, interconnectBandwidth: 600e9)
    /// NVIDIA L4 24 GB: 121 TFLOP/s dense BF16, 300 GB/s, PCIe Gen4 x16 (64 GB/s).
    public static let l4 = Hardware(
        id: "l4", peakFLOPS: 121e12, memoryBandwidth: 0.3e12, memoryBytes: 24e9, interconnectBandwidth: 64e9)

    /// Every built-in accelerator.
    public static let catalog: [Hardware] = [.h100SXM, .h200, .a100SXM80, .l4]

    /// The catalog entry with this id.
    public static func named(_ id: String) -> Hardware? { catalog.first { $0.id == id } }
}
