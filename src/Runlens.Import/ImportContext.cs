namespace Runlens.Import;

/// <summary>What an importer may use besides the path: progress reporting.</summary>
public sealed class ImportContext
{
    public static ImportContext None { get; } = new();

    /// <summary>Receives bytes read so far and total bytes, for progress bars. May be null.</summary>
    public IProgress<ImportProgress>? Progress { get; init; }

    public void Report(string file, long done, long total) => Progress?.Report(new ImportProgress(file, done, total));
}

public readonly record struct ImportProgress(string File, long Done, long Total);
