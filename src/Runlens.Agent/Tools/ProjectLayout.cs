namespace Runlens.Agent.Tools;

/// <summary>A goal's project folder (seed 003 §4.1): <c>configs/</c> (one config per experiment), <c>models/</c> (the
/// model code), <c>experiments/</c> (one folder per experiment, one per seed inside), <c>logs/</c> (one log per agent
/// run) and <c>registry.json</c>; the goal and agent config it started with are copied in as <c>goal.json</c>.</summary>
public static class ProjectLayout
{
    public const string Configs = "configs";
    public const string Models = "models";
    public const string Experiments = "experiments";
    public const string Logs = "logs";

    /// <summary>Creates the folders (idempotent).</summary>
    public static void Scaffold(string project)
    {
        foreach (var folder in new[] { Configs, Models, Experiments, Logs })
        {
            Directory.CreateDirectory(Path.Combine(project, folder));
        }
    }

    /// <summary>The folder of one seed's run.</summary>
    public static string SeedFolder(string experiment, int seed) =>
        Path.Combine(Experiments, experiment, "seed-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
