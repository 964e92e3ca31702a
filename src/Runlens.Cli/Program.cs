using System.CommandLine;
using Runlens.Cli.Commands;

namespace Runlens.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("Runlens: what is working in a training run, what is not, and what to change.");
        root.Subcommands.Add(AnalyzeCommand.Build());
        root.Subcommands.Add(RulesCommand.Build());
        root.Subcommands.Add(ChangePointsCommand.Build());
        root.Subcommands.Add(EvaluateCommand.Build());
        root.Subcommands.Add(StoreCommands.Import());
        root.Subcommands.Add(StoreCommands.Runs());
        root.Subcommands.Add(StoreCommands.Show());
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(WatchCommand.Build());
        root.Subcommands.Add(CompareCommand.Build());
        root.Subcommands.Add(ImpactCommand.Build());
        root.Subcommands.Add(McpCommand.Build());
        root.Subcommands.Add(AgentCommand.Build());
        root.Subcommands.Add(AuditCommand.Build());
        StoreErrorsAction.Guard(root);
        return root;
    }
}
