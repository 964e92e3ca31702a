namespace Runlens.Import;

/// <summary>What an importer may use besides the path: progress reporting.</summary>
public sealed class ImportContext
{
    public static ImportContext None { get; } = new();

    /// <summary>Receives bytes read so far and total bytes, for progress bars. May be null.</summary>
    public IProgress<ImportProgress>? Progress { get; init; }

    /// <summary>The log is being written while it is read (<c>runlens watch</c>, <c>runlens run</c>): a last line without
    /// its line break is not yet written and is left out, not reported as damage.</summary>
    public bool Live { get; init; }

    public void Report(string file, long done, long total) => Progress?.Report(new ImportProgress(file, done, total));
}

public readonly record struct ImportProgress(string File, long Done, long Total);
