using Runlens.Model;

namespace Runlens.Import.TensorBoard;

/// <summary>Reads the event files of one run (in writing order) and the hparams beside them into a <see cref="Run"/>.</summary>
internal static class TensorBoardRunReader
{
    private const int MaxDamageEvents = 20;

    public static async Task<Run> ReadAsync(TensorBoardRunFiles files, string format, ImportContext context, CancellationToken cancellationToken)
    {
        var data = new TensorBoardRunData();
        foreach (var (file, prefix) in files.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await TensorBoardFileScan.ReadAsync(file, prefix, data, context, cancellationToken).ConfigureAwait(false);
        }

        return Assemble(files, format, data);
    }

    /// <summary>The run the event files read into <paramref name="data"/> make. With <paramref name="keep"/> the data can
    /// take more records afterwards (a tailed run) and <paramref name="series"/> chooses the series by key.</summary>
    public static Run Assemble(TensorBoardRunFiles files, string format, TensorBoardRunData data, bool keep = false, Func<string, bool>? series = null)
    {
        if (data.GoodRecords == 0)
        {
            var first = data.Problems.FirstOrDefault(p => p.Kind == RunEventKind.ImportDamage) ?? data.Problems.FirstOrDefault();
            throw first is null
                ? new RunImportException(files.Root, null, "no event records", "expected events.out.tfevents.* files written by a TensorBoard writer")
                : new RunImportException(first.File, first.Location, first.Cause, first.Hint);
        }

        var events = new List<RunEvent>();
        var config = new Dictionary<string, Model.ConfigValue>(data.HParams, StringComparer.Ordinal);
        if (files.HParamsYaml is { } yaml)
        {
            try
            {
                var text = File.ReadAllText(yaml);
                foreach (var (k, v) in Core.YamlConfig.Parse(yaml, text, "the hyperparameters in it are skipped"))
                {
                    config[k] = v;
                }
            }
            catch (RunImportException ex)
            {
                events.Add(new RunEvent(RunEventKind.ImportDamage, ex.Cause + "; " + ex.Hint + ".", File: ex.File, Location: ex.Location));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                events.Add(new RunEvent(RunEventKind.ImportDamage, "hparams.yaml cannot be read: " + ex.Message, File: yaml));
            }
        }

        var reported = 0;
        foreach (var p in data.Problems)
        {
            if (++reported > MaxDamageEvents)
            {
                break;
            }

            events.Insert(reported - 1, new RunEvent(p.Kind, p.Cause + ".", File: p.File, Location: p.Location));
        }

        if (data.Problems.Count > MaxDamageEvents)
        {
            events.Add(new RunEvent(RunEventKind.ImportDamage,
                $"{data.Problems.Count - MaxDamageEvents} more damaged places in the event files were skipped.", File: files.Root));
        }

        var built = keep ? data.Series.Snapshot(series) : data.Series.Build();
        TensorBoardEpochs.Fill(built);
        var start = double.IsFinite(data.FirstWallTime) ? ToTime(data.FirstWallTime) : null;
        var end = double.IsFinite(data.LastWallTime) ? ToTime(data.LastWallTime) : null;
        return new Run
        {
            Identity = new RunIdentity(RunIds.FromPath(files.Root), files.Name, null, new RunSource(format, files.Root))
            {
                Time = new StartEnd(start, end),
            },
            Config = RunConfig.From(config),
            Series = built,
            Events = [.. events],
        };
    }

    private static DateTimeOffset? ToTime(double unixSeconds) =>
        unixSeconds is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(unixSeconds * 1000)) : null;
}
