using System.Reflection;

namespace Runlens.Tests.Agent;

/// <summary>The agent sits on the pipeline and the libraries; only the CLI hosts it.</summary>
public sealed class AgentArchitectureTests
{
    private static string[] RunlensReferences(Assembly a) =>
        [.. a.GetReferencedAssemblies().Select(n => n.Name!).Where(n => n.StartsWith("Runlens", StringComparison.Ordinal)).Order()];

    [Fact]
    public void The_agent_sits_on_the_pipeline_and_only_the_cli_hosts_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Model", "Runlens.Pipeline", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Agent.Loop.AgentSession).Assembly));
        foreach (var a in new[] { typeof(Runlens.Pipeline.Diagnosing.DiagnosisService), typeof(Runlens.Live.Watch.RunWatcher), typeof(Runlens.Server.RunlensServer), typeof(Runlens.Mcp.RunlensMcpServer) })
        {
            Assert.DoesNotContain("Runlens.Agent", RunlensReferences(a.Assembly));
        }

        Assert.Contains("Runlens.Agent", RunlensReferences(typeof(Runlens.Cli.Commands.AgentCommand).Assembly));
    }
}
