using System.Collections.Immutable;
using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A JSON Lines metric log read as it grows: one <see cref="LineReader"/> over a <see cref="TailStream"/> and one
/// <see cref="JsonlMetricReader"/> state for the whole watch, so every line is parsed once, by the importer's own code
/// (step key, carried steps, damage with its line number), and a snapshot is what <see cref="JsonlMetricsImporter"/>
/// gives for the file up to its last line end.
/// </summary>
internal sealed class JsonlLogTail : ILogTail
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly Dictionary<string, long> _lastStep = new(StringComparer.Ordinal);
    private readonly List<(string, SeriesPoint)> _nonFinite = [];
    private TailStream _stream = null!;
    private LineReader _lines = null!;
    private JsonlMetricReader.State _state = null!;
    private long _points;
    private long _new;

    public JsonlLogTail(string path)
    {
        Path = path;
        Start();
    }

    public string Path { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        var restarted = _stream.Refresh();
        if (restarted is not null)
        {
            _lines.Dispose();
            Start();
            _stream.Refresh();
        }

        _new = 0;
        _nonFinite.Clear();
        _lines.Resume();
        try
        {
            JsonlMetricReader.ReadOn(_state, cancellationToken);
        }
        catch (IOException)
        {
            // the lines read before the failure are kept; the next look reads on from there
            _lines.Resume();
            throw;
        }

        long? last = null;
        foreach (var step in _lastStep.Values)
        {
            last = last is { } m && m >= step ? m : step;
        }

        return new TailRead(_new, _points, last, [.. _nonFinite], restarted is null ? null : restarted + "; reading it again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null) =>
        JsonlMetricsImporter.RunOf(Path, _state.Finish(keep: true, series));

    public void Dispose() => _lines.Dispose();

    private void Start()
    {
        _stream = new TailStream(Path);
        _lines = new LineReader(Path, _stream, Live, JsonlMetricReader.MaxLineBytes);
        _state = new JsonlMetricReader.State(_lines, JsonlMetricReader.Generic);
        _state.Collector.Added = Added;
        _lastStep.Clear();
        _points = 0;
    }

    private void Added(string name, SeriesPoint point)
    {
        _points++;
        _new++;
        _lastStep[name] = point.Step;
        if (!double.IsFinite(point.Value) && _nonFinite.Count < TailRead.MaxNonFinite)
        {
            _nonFinite.Add((name, point));
        }
    }
}
