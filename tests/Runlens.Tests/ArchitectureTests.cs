using System.Reflection;

namespace Runlens.Tests;

/// <summary>Dependencies point one way: Model ← Import/Analysis/Storage ← Reports ← hosts (Server, Mcp, Cli).</summary>
public sealed class ArchitectureTests
{
    private static string[] RunlensReferences(Assembly a) =>
        [.. a.GetReferencedAssemblies().Select(n => n.Name!).Where(n => n.StartsWith("Runlens", StringComparison.Ordinal)).Order()];

    [Fact]
    public void The_model_depends_on_nothing_of_runlens() =>
        Assert.Empty(RunlensReferences(typeof(Runlens.Model.Run).Assembly));

    [Fact]
    public void Importers_depend_only_on_the_model() =>
        Assert.Equal(["Runlens.Model"], RunlensReferences(typeof(Runlens.Import.IRunImporter).Assembly));

    [Fact]
    public void Analysis_depends_only_on_the_model_and_never_touches_files_or_importers()
    {
        var analysis = typeof(Runlens.Analysis.Diagnoses.Diagnoser).Assembly;
        Assert.Equal(["Runlens.Model"], RunlensReferences(analysis));
    }

    [Fact]
    public void Storage_depends_only_on_the_model() =>
        Assert.Equal(["Runlens.Model"], RunlensReferences(typeof(Runlens.Storage.IRunStore).Assembly));

    [Fact]
    public void Reports_depend_on_analysis_the_audit_and_model_only() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Audit", "Runlens.Model"], RunlensReferences(typeof(Runlens.Reports.Renderers).Assembly));

    [Fact]
    public void The_data_audit_depends_only_on_analysis_and_the_model() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Model"], RunlensReferences(typeof(Runlens.Audit.AuditRunner).Assembly));

    [Fact]
    public void The_server_is_a_host_over_the_pipeline_and_only_the_cli_hosts_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Live", "Runlens.Model", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Server.RunlensServer).Assembly));
        foreach (var a in new[] { typeof(Runlens.Model.Run), typeof(Runlens.Import.IRunImporter), typeof(Runlens.Analysis.Diagnoses.Diagnoser), typeof(Runlens.Storage.IRunStore), typeof(Runlens.Reports.Renderers), typeof(Runlens.Live.Watch.RunWatcher) })
        {
            Assert.DoesNotContain("Runlens.Server", RunlensReferences(a.Assembly));
        }
    }

    [Fact]
    public void Live_monitoring_sits_on_the_pipeline_below_the_hosts() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Model", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Live.Watch.RunWatcher).Assembly));

    [Fact]
    public void The_mcp_server_is_a_host_over_the_pipeline_and_only_the_cli_hosts_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Model", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Mcp.RunlensMcpServer).Assembly));
        foreach (var a in new[] { typeof(Runlens.Model.Run), typeof(Runlens.Import.IRunImporter), typeof(Runlens.Analysis.Diagnoses.Diagnoser), typeof(Runlens.Storage.IRunStore), typeof(Runlens.Reports.Renderers), typeof(Runlens.Live.Watch.RunWatcher), typeof(Runlens.Server.RunlensServer) })
        {
            Assert.DoesNotContain("Runlens.Mcp", RunlensReferences(a.Assembly));
        }

        Assert.Contains("Runlens.Mcp", RunlensReferences(typeof(Runlens.Cli.Commands.McpCommand).Assembly));
    }
}
