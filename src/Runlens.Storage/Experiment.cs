namespace Runlens.Storage;

/// <summary>A named group of runs (an MLflow experiment; for imported runs, the experiment or project they name).</summary>
/// <param name="Id">A decimal number as text, as MLflow has it; <c>0</c> is the Default experiment.</param>
/// <param name="Lifecycle"><c>active</c> or <c>deleted</c>.</param>
/// <param name="CreatedMs">Milliseconds since the Unix epoch.</param>
public sealed record Experiment(string Id, string Name, string ArtifactLocation, string Lifecycle, long CreatedMs, long UpdatedMs,
    IReadOnlyDictionary<string, string> Tags)
{
    public const string DefaultId = "0";

    public const string DefaultName = "Default";
}
