using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Runlens.Tests;

/// <summary>Dependencies point one way: Model ← Import/Analysis/Storage ← Reports ← Pipeline ← Live ← hosts (Server, Mcp,
/// Cli); the hosts reach the store through its interfaces, never a backend's class.</summary>
public sealed class ArchitectureTests
{
    private static string[] RunlensReferences(Assembly a) =>
        [.. a.GetReferencedAssemblies().Select(n => n.Name!).Where(n => n.StartsWith("Runlens", StringComparison.Ordinal)).Order()];

    /// <summary>Every type the assembly's code names from another assembly, as <c>Namespace.Name</c>.</summary>
    private static string[] TypesUsed(Assembly a)
    {
        using var pe = new PEReader(File.OpenRead(a.Location));
        var md = pe.GetMetadataReader();
        return [.. md.TypeReferences.Select(h => md.GetTypeReference(h)).Select(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name)).Distinct().Order()];
    }

    [Fact]
    public void The_model_depends_on_nothing_of_runlens() =>
        Assert.Empty(RunlensReferences(typeof(Runlens.Model.Run).Assembly));

    [Fact]
    public void Importers_depend_only_on_the_model() =>
        Assert.Equal(["Runlens.Model"], RunlensReferences(typeof(Runlens.Import.IRunImporter).Assembly));

    [Fact]
    public void Analysis_depends_only_on_the_model_and_never_touches_files_or_importers() =>
        Assert.Equal(["Runlens.Model"], RunlensReferences(typeof(Runlens.Analysis.Diagnoses.Diagnoser).Assembly));

    [Fact]
    public void Storage_depends_only_on_the_model() =>
        Assert.Equal(["Runlens.Model"], RunlensReferences(typeof(Runlens.Storage.IRunStore).Assembly));

    [Fact]
    public void The_pipeline_sits_on_the_libraries_and_no_library_or_live_code_below_it_references_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Audit", "Runlens.Import", "Runlens.Model", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Pipeline.Diagnosing.DiagnosisService).Assembly));
        foreach (var a in new[] { typeof(Runlens.Model.Run), typeof(Runlens.Import.IRunImporter), typeof(Runlens.Analysis.Diagnoses.Diagnoser), typeof(Runlens.Storage.IRunStore), typeof(Runlens.Reports.Renderers) })
        {
            Assert.DoesNotContain("Runlens.Pipeline", RunlensReferences(a.Assembly));
        }
    }

    [Fact]
    public void Hosts_reach_the_store_through_its_interfaces_and_never_name_a_backend()
    {
        foreach (var host in new[] { typeof(Runlens.Server.RunlensServer), typeof(Runlens.Mcp.RunlensMcpServer), typeof(Runlens.Live.Watch.RunWatcher) })
        {
            var backends = TypesUsed(host.Assembly).Where(t => t.StartsWith("Runlens.Storage.Sql", StringComparison.Ordinal) || t.StartsWith("Runlens.Storage.Postgres", StringComparison.Ordinal)).ToList();
            Assert.True(backends.Count == 0, $"{host.Assembly.GetName().Name} names {string.Join(", ", backends)}");
            Assert.Contains("Runlens.Storage.ILiveRunStore", TypesUsed(host.Assembly));
        }

        // The CLI's pipeline commands open and read stores through the pipeline (StoreLocation, RunResolver).
        foreach (var command in new[] { "AnalyzeCommand", "CompareCommand", "ImpactCommand", "ServeCommand", "McpCommand", "RunCommand", "WatchCommand" })
        {
            var source = File.ReadAllText(Path.Combine(Support.Fixtures.RepoRoot, "src", "Runlens.Cli", "Commands", command + ".cs"));
            Assert.DoesNotContain("SqlRunStore", source, StringComparison.Ordinal);
            Assert.DoesNotContain("RunStores.", source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reports_depend_on_analysis_the_audit_and_model_only() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Audit", "Runlens.Model"], RunlensReferences(typeof(Runlens.Reports.Renderers).Assembly));

    [Fact]
    public void The_data_audit_depends_only_on_analysis_and_the_model() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Model"], RunlensReferences(typeof(Runlens.Audit.AuditRunner).Assembly));

    [Fact]
    public void The_server_is_a_host_over_the_pipeline_and_only_the_cli_hosts_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Live", "Runlens.Model", "Runlens.Pipeline", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Server.RunlensServer).Assembly));
        foreach (var a in new[] { typeof(Runlens.Model.Run), typeof(Runlens.Import.IRunImporter), typeof(Runlens.Analysis.Diagnoses.Diagnoser), typeof(Runlens.Storage.IRunStore), typeof(Runlens.Reports.Renderers), typeof(Runlens.Pipeline.Diagnosing.DiagnosisService), typeof(Runlens.Live.Watch.RunWatcher) })
        {
            Assert.DoesNotContain("Runlens.Server", RunlensReferences(a.Assembly));
        }
    }

    [Fact]
    public void Live_monitoring_sits_on_the_pipeline_below_the_hosts() =>
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Model", "Runlens.Pipeline", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Live.Watch.RunWatcher).Assembly));

    [Fact]
    public void The_mcp_server_is_a_host_over_the_pipeline_and_only_the_cli_hosts_it()
    {
        Assert.Equal(["Runlens.Analysis", "Runlens.Import", "Runlens.Model", "Runlens.Pipeline", "Runlens.Reports", "Runlens.Storage"],
            RunlensReferences(typeof(Runlens.Mcp.RunlensMcpServer).Assembly));
        foreach (var a in new[] { typeof(Runlens.Model.Run), typeof(Runlens.Import.IRunImporter), typeof(Runlens.Analysis.Diagnoses.Diagnoser), typeof(Runlens.Storage.IRunStore), typeof(Runlens.Reports.Renderers), typeof(Runlens.Pipeline.Diagnosing.DiagnosisService), typeof(Runlens.Live.Watch.RunWatcher), typeof(Runlens.Server.RunlensServer) })
        {
            Assert.DoesNotContain("Runlens.Mcp", RunlensReferences(a.Assembly));
        }

        Assert.Contains("Runlens.Mcp", RunlensReferences(typeof(Runlens.Cli.Commands.McpCommand).Assembly));
    }
}
