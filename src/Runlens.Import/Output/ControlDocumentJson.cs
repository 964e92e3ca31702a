namespace Runlens.Import.Output;

/// <summary><c>runlens.control/v1</c>: the recovery actions asked of one run's trainer, only ever appended (the trainer
/// applies each id once).</summary>
public sealed record ControlDocumentJson(string? Schema, string? Run, IReadOnlyList<ControlActionJson?>? Actions)
{
    public const string CurrentSchema = "runlens.control/v1";
}
