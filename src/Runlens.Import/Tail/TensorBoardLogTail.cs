using System.Globalization;
using Runlens.Import.TensorBoard;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A TensorBoard run read as it grows: one <see cref="TensorBoardFileScan"/> per event file, kept for the whole watch,
/// reads on from the end of the last whole record (a record still being written waits for the next look, whatever
/// byte it was cut at); event files that appear in the run's folders join in. A file that became shorter, or went away,
/// makes the run be read again from the start. A snapshot is what the importer gives for the files as they are.
/// </summary>
internal sealed class TensorBoardLogTail : ILogTail
{
    private readonly Dictionary<string, TensorBoardFileScan> _scans = new(StringComparer.Ordinal);
    private readonly TailCounts _counts = new();
    private TensorBoardRunData _data = null!;
    private TensorBoardRunFiles _files;

    public TensorBoardLogTail(string path)
    {
        Path = path;
        _files = Files();
        Start();
    }

    public string Path { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        _counts.BeginLook();
        var restarted = ReadOn(cancellationToken);
        if (restarted is not null)
        {
            Start();
            ReadOn(cancellationToken);
        }

        return _counts.Look(restarted is null ? null : restarted + "; reading the run again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null) =>
        TensorBoardRunReader.Assemble(_files, TensorBoardImporter.FormatId, _data, keep: true, series);

    public void Dispose()
    {
    }

    /// <summary>Reads on in every event file; why the run must be read again from the start, or null.</summary>
    private string? ReadOn(CancellationToken cancellationToken)
    {
        _files = Files();
        foreach (var known in _scans.Keys)
        {
            if (!_files.Files.Any(f => f.File == known))
            {
                return $"{System.IO.Path.GetFileName(known)} went away";
            }
        }

        foreach (var (file, prefix) in _files.Files)
        {
            if (!_scans.TryGetValue(file, out var scan))
            {
                scan = TensorBoardFileScan.Tail(file, prefix, _data);
                _scans[file] = scan;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            if (stream.Length < scan.NextOffset)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{System.IO.Path.GetFileName(file)} became shorter ({stream.Length:N0} bytes, {scan.NextOffset:N0} were read): it was truncated or replaced");
            }

            stream.Position = scan.NextOffset;
            scan.ReadOn(stream, cancellationToken);
        }

        return null;
    }

    private TensorBoardRunFiles Files() => File.Exists(Path) ? TensorBoardLayout.ForFile(Path)
        : TensorBoardLayout.RunsIn(Path) is [var one] ? one
        : throw new IOException($"{Path} no longer holds exactly one TensorBoard run");

    private void Start()
    {
        _scans.Clear();
        _counts.Restart();
        _data = new TensorBoardRunData();
        _data.Series.Added = _counts.Added;
    }
}
