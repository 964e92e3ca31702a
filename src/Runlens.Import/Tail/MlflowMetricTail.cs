using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Runlens.Import.Core;
using Runlens.Import.Mlflow;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>One MLflow metric file (<c>metrics/NAME</c>, one <c>timestamp value step</c> line per point) read as it
/// grows: a <see cref="LineReader"/> over a <see cref="TailStream"/> and the importer's own metric reader, kept for the
/// whole watch; its points are held apart from the other metrics' until a snapshot puts the run together.</summary>
internal sealed class MlflowMetricTail : IDisposable
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly TailStream _stream;
    private readonly LineReader _lines;
    private readonly SeriesCollector _points = new(n => n);

    public MlflowMetricTail(string key, string file, Action<string, SeriesPoint> added)
    {
        Key = key;
        File = file;
        _stream = new TailStream(file);
        _lines = new LineReader(file, _stream, Live, MlflowMetricReader.MaxLineBytes);
        _points.Added = added;
        Reader = MlflowMetricReader.Tail(key, _points);
    }

    public string Key { get; }

    public string File { get; }

    /// <summary>The importer's reader of this metric: its points and damage so far.</summary>
    public MlflowMetricReader Reader { get; }

    /// <summary>Reads what was appended; why the file must be read again from the start (then nothing was read), or null.</summary>
    /// <exception cref="IOException">The file cannot be read now.</exception>
    public string? ReadOn(CancellationToken cancellationToken)
    {
        if (_stream.Refresh() is { } restarted)
        {
            return restarted;
        }

        _lines.Resume();
        Reader.ReadOn(_lines, cancellationToken);
        return null;
    }

    /// <summary>A copy of the points read so far (empty before the first).</summary>
    public SeriesPoint[] Points() =>
        _points.Snapshot().TryGetValue(Key, out var series) ? ImmutableCollectionsMarshal.AsArray(series.Points) ?? [] : [];

    public void Dispose() => _lines.Dispose();
}
