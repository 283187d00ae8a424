import AgentPerfCLI

await AgentPerfEntry.main()
