namespace Runlens.Bench.DiagnosisScoring;

/// <summary>One benchmark run: its folder and its truth.</summary>
internal sealed record BenchRun(string Folder, BenchTruth Truth)
{
    public string LogPath => Path.Combine(Folder, Truth.Log);

    public string? PredictionsPath => Truth.Predictions is { } p ? Path.Combine(Folder, p) : null;

    /// <summary>The data the run was trained on (<c>data/</c>, split folders of tables), where the benchmark ships it;
    /// the scorer then diagnoses the run as <c>runlens analyze LOG --data-dir DATA</c>.</summary>
    public string? DataPath => Directory.Exists(Path.Combine(Folder, "data")) ? Path.Combine(Folder, "data") : null;

    /// <summary>The fixed, stratified subset the CI test diagnoses: seeds 0 (tuning) and 2 (held-out) of every variant of
    /// every condition.</summary>
    public bool InQuickSubset => Truth.Seed is 0 or 2;
}
