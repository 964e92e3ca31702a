using System.Collections.Immutable;
using Runlens.Import.Mlflow;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// An MLflow run folder (<c>mlruns/EXPERIMENT/RUN</c>) read as it grows: each metric file is tailed on its own
/// (<see cref="MlflowMetricTail"/>), metric files that appear join in, and a file that became shorter or was replaced is
/// read again from its start (only that file). <c>meta.yaml</c>, <c>params/</c> and <c>tags/</c> are small and read again
/// by each snapshot, which is what the importer gives for the run folder as it was at the last look.
/// </summary>
internal sealed class MlflowRunTail : ILogTail
{
    private readonly Dictionary<string, MlflowMetricTail> _metrics = new(StringComparer.Ordinal);
    private readonly TailCounts _counts = new();
    private readonly string _dir;
    private readonly string? _experiment;

    /// <param name="dir">The run folder.</param>
    public MlflowRunTail(string dir)
    {
        _dir = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dir));
        Path = dir;
        _experiment = MlflowImporter.ExperimentOfRun(_dir);
    }

    public string Path { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        _counts.BeginLook();
        string? restarted = null;
        var files = MlflowRunReader.MetricFilesOf(_dir);
        foreach (var gone in _metrics.Keys.Where(k => !files.Any(f => f.Key == k)).ToList())
        {
            restarted ??= $"metric '{gone}' went away";
            Drop(gone);
        }

        foreach (var (key, file) in files)
        {
            if (!_metrics.TryGetValue(key, out var metric))
            {
                metric = Track(key, file);
            }

            if (metric.ReadOn(cancellationToken) is { } why)
            {
                restarted ??= $"metric '{key}': {why}";
                Drop(key);
                Track(key, file).ReadOn(cancellationToken);
            }
        }

        return _counts.Look(restarted is null ? null : restarted + "; reading that metric again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null)
    {
        var (run, fatal) = MlflowRunReader.Assemble(_dir, _experiment, MlflowImporter.FormatId, (reader, autolog) =>
        {
            var files = reader.MetricFiles();
            var collector = new SeriesCollector(MlflowRunReader.Normalizer(autolog, files.Select(f => f.Key)));
            long? maxStep = null;
            foreach (var (key, file) in files)
            {
                if (!_metrics.TryGetValue(key, out var metric))
                {
                    continue; // it appeared after the last look: the next look reads it
                }

                if (metric.Points() is { Length: > 0 } points)
                {
                    collector.AddOwned(key, points);
                }

                maxStep = reader.MetricRead(key, file, metric.Reader, maxStep);
            }

            return (collector.Build(series), maxStep);
        }, CancellationToken.None);
        return fatal is null ? run : throw fatal;
    }

    public void Dispose()
    {
        foreach (var metric in _metrics.Values)
        {
            metric.Dispose();
        }

        _metrics.Clear();
    }

    private MlflowMetricTail Track(string key, string file)
    {
        var metric = new MlflowMetricTail(key, file, _counts.Added);
        _metrics[key] = metric;
        return metric;
    }

    private void Drop(string key)
    {
        _metrics.Remove(key, out var metric);
        metric?.Dispose();
        _counts.Forget(key, metric?.Reader.Points ?? 0);
    }
}
