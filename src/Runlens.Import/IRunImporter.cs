namespace Runlens.Import;

/// <summary>Reads one log format into runs. One class per format.</summary>
public interface IRunImporter
{
    /// <summary>Format id written to <c>run.source.format</c>, e.g. <c>hf-trainer-state</c>.</summary>
    string Format { get; }

    /// <summary>How sure this importer is that <paramref name="path"/> (a file or folder) is its format: 0 = not mine,
    /// 100 = certainly mine. Cheap: looks at names and the first bytes only.</summary>
    int Detect(string path);

    /// <summary>Reads every run at <paramref name="path"/>. Throws <see cref="RunImportException"/> when nothing usable
    /// can be read; damage after usable data is reported as an <see cref="Model.RunEventKind.ImportDamage"/> event.</summary>
    Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default);
}
