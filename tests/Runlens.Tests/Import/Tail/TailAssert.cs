using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;

namespace Runlens.Tests.Import.Tail;

/// <summary>Checks that a tailed log's snapshot is the run the importer gives for the same bytes.</summary>
internal static class TailAssert
{
    /// <summary>The run the importer gives for <paramref name="path"/> read whole as a watched log (its unfinished end is
    /// not damage): what a tail's snapshot must equal.</summary>
    public static async Task<Run> ImportWhole(string path) =>
        (await ImporterCatalog.ImportAsync(path, new ImportContext { Live = true })).Runs.Single();

    /// <summary>Cuts <paramref name="file"/> (written whole as <paramref name="bytes"/>, the tail read to its end) to its
    /// first half: the next look must say it became shorter, read the run again from the start and count fewer points.
    /// Returns that look.</summary>
    public static async Task<TailRead> RestartsWhenShortened(ILogTail tail, string file, byte[] bytes)
    {
        var all = tail.Read().Points;
        Assert.True(all > 0);

        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)]);
        var read = tail.Read();
        Assert.Contains("became shorter", read.Restarted, StringComparison.Ordinal);
        Assert.Contains("reading the run again from the start", read.Restarted, StringComparison.Ordinal);
        Assert.True(read.Points < all);
        return read;
    }

    /// <summary>Identity, status, trainer state, config, every series point by point (NaN equals NaN), checkpoints and
    /// every event.</summary>
    public static void SameRun(Run expected, Run actual)
    {
        Assert.Equal(expected.Identity, actual.Identity);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Trainer, actual.Trainer);
        Assert.Equal(expected.Config.Values.ToArray(), actual.Config.Values.ToArray());
        Assert.Equal(expected.Series.Keys, actual.Series.Keys);
        foreach (var (key, series) in expected.Series)
        {
            Assert.Equal(series.OriginalName, actual.Series[key].OriginalName);
            Assert.Equal(series.Points.ToArray(), actual.Series[key].Points.ToArray());
        }

        Assert.Equal(expected.Checkpoints.ToArray(), actual.Checkpoints.ToArray());
        Assert.Equal(expected.Events.Select(e => (e.Kind, e.Message, e.Location)), actual.Events.Select(e => (e.Kind, e.Message, e.Location)));
    }

    /// <summary>
    /// Writes <paramref name="files"/> in pieces cut anywhere (inside a number, a record, between CR and LF), at most
    /// <paramref name="maxPiece"/>(file length) bytes to each unfinished file per look, looking at the tail after each round
    /// and comparing its snapshot with the importer reading <paramref name="importPath"/> whole (as a watched log: its
    /// unfinished end is not damage) once the first file holds <paramref name="minLines"/> line ends. Each look must read
    /// on (no restart), count every point once, and give the last step of the series the tail counts
    /// (<paramref name="counted"/>: all of the run's when null). When the importer finds nothing usable yet, the snapshot must say so
    /// too. Returns the number of looks compared.
    /// </summary>
    public static async Task<int> AppendInPieces(ILogTail tail, string importPath, IReadOnlyList<GrowingFile> files, Func<int, int> maxPiece,
        int seed, int minLines = 0, Func<Run, IEnumerable<Series>>? counted = null)
    {
        var random = new Random(seed);
        long points = 0;
        var compared = 0;
        while (true)
        {
            var read = tail.Read();
            points += read.NewPoints;
            Assert.Null(read.Restarted);
            Assert.Equal(points, read.Points);
            if (files[0].Lines >= minLines)
            {
                Run? whole = null;
                try
                {
                    whole = await ImportWhole(importPath);
                }
                catch (RunImportException)
                {
                    Assert.Throws<RunImportException>(() => tail.Snapshot()); // nothing usable yet: both say so
                }

                if (whole is not null)
                {
                    SameRun(whole, tail.Snapshot());
                    var series = (counted?.Invoke(whole) ?? whole.Series.Values).ToList();
                    Assert.Equal(series.Sum(s => (long)s.Count), read.Points);
                    Assert.Equal(series.Where(s => s.Count > 0).Select(s => (long?)s.Points[^1].Step).Max(), read.LastStep);
                    compared++;
                }
            }

            var left = files.Where(f => !f.Done).ToList();
            if (left.Count == 0)
            {
                return compared;
            }

            foreach (var f in left)
            {
                var take = Math.Min(f.Bytes.Length - f.Written, random.Next(1, Math.Max(2, maxPiece(f.Bytes.Length))));
                await using (var s = new FileStream(f.Path, FileMode.Append))
                {
                    await s.WriteAsync(f.Bytes.AsMemory(f.Written, take));
                }

                f.Written += take;
            }
        }
    }
}
