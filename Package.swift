// swift-tools-version: 6.2
// AgentPerf: benchmarks LLM agents by the work they finish.
//
// The target list reads as the architecture; data flows one way:
//   Workload → Scheduler → AgentLoop → Backends / Tools → Recorder → Traces → Metrics → Reports
// with the simulated serving fleet (SimulatedFleet engine + SimulatedFleetServer HTTP front end)
// as a separate backend, and Harness wiring a run together for the thin `agentperf` executable.
import PackageDescription

let package = Package(
    name: "agentperf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agentperf", targets: ["agentperf"]),
        .library(name: "Traces", targets: ["Traces"]),
        .library(name: "AgentMetrics", targets: ["AgentMetrics"]),
        .library(name: "Routing", targets: ["Routing"]),
        .library(name: "SimulatedFleet", targets: ["SimulatedFleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: Vocabulary shared by every stage
        /// The run clock: continuous for real runs, virtual (a discrete-event executor) for simulated ones.
        .target(name: "Timekeeping", dependencies: [.product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "Traces"),
        /// Seeded random streams, the distributions drawn from them, and synthetic text.
        .target(name: "Sampling"),
        .target(name: "Pricing", dependencies: ["Traces"]),
        /// Pass/fail gates on a run's figures (`p95_task_latency<8s`), k6-style: the vocabulary and parser.
        .target(name: "Thresholds"),
        /// Strict decoding helpers shared by the workload and fleet specs.
        .target(name: "SpecDecoding", dependencies: ["Traces", .product(name: "Yams", package: "Yams")]),

        // MARK: Workload → Scheduler → AgentLoop → Backends / Tools → Recorder
        .target(
            name: "Workload",
            dependencies: [
                "Traces", "Pricing", "SpecDecoding", "WireFormats", "Sampling", "Timekeeping", "Thresholds",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        /// Where a workload's calls go: backends, tier bindings, the endpoint, the simulated fleet.
        .target(name: "RunTarget", dependencies: ["Workload", "SimulatedFleet", "SpecDecoding"]),
        .target(
            name: "Scheduler",
            dependencies: ["Sampling", "Workload", "AgentLoop", "Traces", "Timekeeping", "SpecDecoding"]
        ),
        .target(
            name: "AgentLoop",
            dependencies: [
                "Sampling",
                "Workload", "Backends", "Tools", "Graders", "Recorder", "Traces", "Pricing", "SpecDecoding", "WireFormats",
                "Timekeeping",
            ]
        ),
        .target(
            name: "Backends",
            dependencies: [
                "WireFormats", "Traces", "Timekeeping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Tools",
            dependencies: [
                "Sampling",
                "Workload", "Traces", "SpecDecoding", "WireFormats", "Backends", "Timekeeping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        /// Tools that live for a whole run: MCP servers over stdio, retrieval indexes.
        .target(
            name: "ToolServices",
            dependencies: [
                "Tools", "Workload", "Backends", "WireFormats", "Traces", "Timekeeping",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Decides what counts as done: checks on the final answer, commands, the judge's prompt.
        .target(name: "Graders", dependencies: ["Workload", "Tools", "WireFormats", "SpecDecoding"]),
        .target(name: "Recorder", dependencies: ["Traces"]),

        // MARK: Traces → Metrics → Reports
        .target(
            name: "AgentMetrics",
            dependencies: [
                "Traces", "Pricing", "Thresholds",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        /// Router evaluation over logged outcomes of the same items under each model or variant (RouterBench, RouteLLM).
        .target(name: "Routing", dependencies: ["AgentMetrics", "Pricing", "SpecDecoding", "Traces"]),
        /// Where tokens were misallocated: one rule per failure mode over traces, with evidence, money and seconds wasted.
        .target(name: "Diagnosis", dependencies: ["AgentMetrics", "Pricing", "Traces"]),
        .target(
            name: "Reports",
            dependencies: [
                "AgentMetrics", "Traces", "Pricing", "Recorder", "Timekeeping", "Routing", "Diagnosis", "Thresholds",
            ]),
        /// One self-contained HTML file per report (inline SVG plots, no network), for people to look at.
        .target(
            name: "HTMLReport",
            dependencies: ["AgentMetrics", "Traces", "Pricing", "Routing", "Diagnosis", "Reports", "Thresholds"]),
        /// Every run remembered: a SQLite store of run metadata, headline figures and histograms; compare.
        .target(
            name: "History",
            dependencies: [
                "AgentMetrics", "Traces", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Other tools' traces → the canonical schema, streamed.
        .target(
            name: "Importers",
            dependencies: [
                "Traces", "WireFormats",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),

        // MARK: Wire formats and the simulated fleet
        .target(
            name: "WireFormats"
        ),
        .target(
            name: "SimulatedFleet",
            dependencies: [
                "SpecDecoding", "Timekeeping", "WireFormats", .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        /// The fleet as an in-process backend beside the HTTP ones: no socket, any run clock.
        .target(
            name: "FleetBackend",
            dependencies: ["Backends", "SimulatedFleet", "Timekeeping", "Traces", "WireFormats"]
        ),
        /// A recording reverse proxy for agents AgentPerf does not drive: their calls become steps of attempts.
        .target(
            name: "Gateway",
            dependencies: [
                "Backends", "Traces", "WireFormats", "Timekeeping", "SpecDecoding",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SimulatedFleetServer",
            dependencies: [
                "SimulatedFleet", "WireFormats", "Timekeeping",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Wiring and the command line
        .target(
            name: "Harness",
            dependencies: [
                "Workload", "RunTarget", "Scheduler", "AgentLoop", "Backends", "Tools", "ToolServices", "Recorder", "Traces",
                "Pricing",
                "SpecDecoding", "SimulatedFleet", "SimulatedFleetServer", "Timekeeping", "FleetBackend", "Gateway", "WireFormats",
                "Importers", "Sampling",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// A run sent to other systems: OTLP/HTTP spans (OTel GenAI conventions) and metrics.
        .target(
            name: "TraceExport",
            dependencies: [
                "Traces", "AgentMetrics", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        /// Running past one machine: the Kubernetes objects of a sharded run.
        .target(name: "ScaleOut", dependencies: [.product(name: "Yams", package: "Yams")]),
        /// The commands that read traces (`report`, `analyze`, `import`): no harness, no HTTP server.
        .target(
            name: "TraceCommands",
            dependencies: [
                "AgentMetrics", "Reports", "Traces", "Pricing", "Importers", "Routing", "SpecDecoding", "Diagnosis",
                "HTMLReport", "History", "Thresholds", "TraceExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "AgentPerfCLI",
            dependencies: [
                "TraceCommands",
                "Harness", "AgentMetrics", "Reports", "Recorder", "Traces", "Workload", "RunTarget", "Pricing", "Importers",
                "SpecDecoding", "SimulatedFleet", "SimulatedFleetServer", "Gateway", "History", "Thresholds", "ScaleOut",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "agentperf", dependencies: ["AgentPerfCLI"]),
        // The readers under libFuzzer (scripts/fuzz.sh); unfuzzed, it replays input files.
        .executableTarget(
            name: "agentperf-fuzz", dependencies: ["Importers", "RunTarget", "Traces", "WireFormats"], path: "Fuzz"),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping"]),
        .testTarget(
            name: "SchedulerTests", dependencies: ["Scheduler", "AgentLoop", "Workload", "SpecDecoding", "Timekeeping", "Traces"]),
        .testTarget(name: "RecorderTests", dependencies: ["Recorder", "Traces", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Recorder", "Traces"]),
        .testTarget(
            name: "HarnessTests",
            dependencies: [
                "Workload",
                "Harness", "RunTarget", "Traces", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "TracesTests", dependencies: ["Traces", "TestSupport"]),
        .testTarget(name: "ThresholdsTests", dependencies: ["Thresholds", "AgentMetrics", "Traces", "Pricing"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "AgentMetrics", "Traces", "Pricing", "TestSupport"]),
        .testTarget(
            name: "HTMLReportTests",
            dependencies: ["HTMLReport", "AgentMetrics", "Traces", "Pricing", "Diagnosis", "Routing", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "PricingTests", dependencies: ["Pricing", "Traces"]),
        .testTarget(
            name: "WorkloadTests",
            dependencies: [
                "Sampling", "Workload", "RunTarget", "Timekeeping", "SpecDecoding", "Pricing", "Traces", "TestSupport",
                "SimulatedFleet",
            ]),
        .testTarget(name: "WireFormatsTests", dependencies: ["WireFormats", "TestSupport"]),
        .testTarget(
            name: "BackendsTests",
            dependencies: [
                "Timekeeping",
                "Backends", "WireFormats", "Traces", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SimulatedFleetServerTests",
            dependencies: [
                "SimulatedFleet", "SimulatedFleetServer", "Timekeeping", "WireFormats",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SimulatedFleetTests", dependencies: ["SimulatedFleet", "SpecDecoding"]),
        .testTarget(
            name: "DiagnosisTests",
            dependencies: ["Diagnosis", "Pricing", "Traces", "Importers", "TestSupport"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "Backends", "Traces", "WireFormats", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "AgentMetrics", "SpecDecoding", "TestSupport"]),
        .testTarget(name: "AgentMetricsTests", dependencies: ["AgentMetrics", "Traces", "Pricing"]),
        .testTarget(
            name: "ImportersTests",
            dependencies: [
                "Importers", "Traces", "Pricing", "AgentMetrics", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "ToolServicesTests",
            dependencies: [
                "ToolServices", "Workload", "WireFormats", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AgentLoopTests",
            dependencies: [
                "AgentLoop", "Backends", "WireFormats", "Workload", "Timekeeping",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(
            name: "GradersTests",
            dependencies: ["Graders", "Workload", "WireFormats", "SpecDecoding", "TestSupport"]),
        .testTarget(
            name: "ToolsTests",
            dependencies: [
                "Sampling",
                "Timekeeping",
                "Tools", "Workload", "Traces", "SpecDecoding", "WireFormats", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "ScaleOutTests", dependencies: ["ScaleOut", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "CLITests", dependencies: ["agentperf", "Traces", "AgentMetrics", "Pricing", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Reports",
                "Timekeeping",
                "Harness", "AgentMetrics", "Traces", "Workload", "RunTarget", "Backends", "WireFormats", "Pricing", "Routing",
                "Diagnosis", "Gateway", "Importers",
                "SimulatedFleet", "SimulatedFleetServer", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

// Every target: Swift 6 language mode plus the upcoming features that keep imports and
// existentials explicit (as swift-log and Hummingbird do).
for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
