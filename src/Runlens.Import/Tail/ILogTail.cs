using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A log read as it grows: each <see cref="Read"/> parses only what was appended since the last (whole records; a record
/// still being written waits), with the importer's own record parser and its state kept between looks, so a look costs
/// what was appended, not the size of the log. <see cref="Snapshot"/> gives the run as the importer would read the file
/// now.
/// </summary>
public interface ILogTail : IDisposable
{
    /// <summary>The file tailed.</summary>
    string Path { get; }

    /// <summary>Reads what was appended. A log that was truncated or replaced is read again from the start
    /// (<see cref="TailRead.Restarted"/> says so).</summary>
    /// <exception cref="IOException">The file cannot be read now (gone, permissions).</exception>
    TailRead Read(CancellationToken cancellationToken = default);

    /// <summary>The run read so far, equal to importing the file up to its last complete record;
    /// <paramref name="series"/> keeps only the series whose keys it accepts.</summary>
    /// <exception cref="RunImportException">Nothing usable was read yet (as the importer says of such a file).</exception>
    Run Snapshot(Func<string, bool>? series = null);
}
