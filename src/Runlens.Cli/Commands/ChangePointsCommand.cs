using System.CommandLine;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Import;
using Runlens.Import.SignalFiles;
using Runlens.Model;
using Runlens.Reports.ChangePoints;

namespace Runlens.Cli.Commands;

/// <summary>
/// <c>runlens changepoints FILE [--series KEY] [--cost l2|rbf] [--penalty P] [--min-size K] [--jump J] [--format text|json]</c>:
/// PELT over one series of a run, or over a plain CSV/JSONL table of values.
/// </summary>
internal static class ChangePointsCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "A run (folder or log file) with --series, or a CSV/JSONL of values (one column per dimension)" };
        var series = new Option<string?>("--series") { Description = "The run series to search, e.g. train/loss (default for runs: train/loss)" };
        var cost = new Option<string>("--cost") { Description = "Segment cost", DefaultValueFactory = _ => "l2" };
        cost.AcceptOnlyFromAmong([.. ChangePointSearch.Costs]);
        var penalty = new Option<double?>("--penalty") { Description = "Penalty per segment (default: l2 3·ln(n)·σ² with σ² from first differences; rbf ln(n))" };
        var minSize = new Option<int>("--min-size") { Description = "Fewest samples per segment", DefaultValueFactory = _ => 2 };
        var jump = new Option<int>("--jump") { Description = "Change points only at multiples of this", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("changepoints", "Find change points in a series with PELT (same answers as ruptures).")
        {
            file, series, cost, penalty, minSize, jump, format,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(file)!, parse.GetValue(series), parse.GetValue(cost)!, parse.GetValue(penalty),
            parse.GetValue(minSize), parse.GetValue(jump), parse.GetValue(format)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string? seriesKey, string cost, double? penalty, int minSize, int jump, string format, CancellationToken ct)
    {
        if (jump < 1 || penalty is < 0 || penalty is { } p && !double.IsFinite(p))
        {
            await Console.Error.WriteLineAsync("runlens: --jump must be at least 1 and --penalty a finite number ≥ 0");
            return ExitCodes.Usage;
        }

        ChangePointReport report;
        try
        {
            report = seriesKey is null && SignalFileReader.IsSignalFile(path)
                ? FromTable(SignalFileReader.Read(path), cost, penalty, minSize, jump)
                : await FromRunAsync(path, seriesKey ?? MetricNames.TrainLoss, cost, penalty, minSize, jump, ct);
        }
        catch (RunImportException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (SegmentationException ex)
        {
            await Console.Error.WriteLineAsync($"runlens: {path}: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"runlens: {path}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        if (format == "json")
        {
            await using var stdout = Console.OpenStandardOutput();
            report.WriteJson(stdout);
        }
        else
        {
            await Console.Out.WriteAsync(report.ToText());
        }

        return ExitCodes.Ok;
    }

    private static ChangePointReport FromTable(SignalTable table, string cost, double? penalty, int minSize, int jump)
    {
        var signal = SignalMatrix.FromRows(table.Rows.Select(r => (IReadOnlyList<double>)r).ToList());
        return new ChangePointReport(ChangePointSearch.Run(signal, cost, penalty, minSize, jump), table.File, null, null, 0);
    }

    private static async Task<ChangePointReport> FromRunAsync(
        string path, string key, string cost, double? penalty, int minSize, int jump, CancellationToken ct)
    {
        var imported = await ImportProgress.RunAsync(path, ct);
        var run = imported.Runs.FirstOrDefault(r => r.Has(key))
            ?? throw new RunImportException(path, null, $"no run here logs '{key}'",
                "pick one with --series; logged: " + string.Join(", ", imported.Runs.SelectMany(r => r.Series.Keys).Distinct().Take(20)));
        var points = run.Get(key)!.Points.Where(pt => double.IsFinite(pt.Value)).ToList();
        var skipped = run.Get(key)!.Count - points.Count;
        var signal = SignalMatrix.FromValues(points.Select(pt => pt.Value).ToList());
        return new ChangePointReport(ChangePointSearch.Run(signal, cost, penalty, minSize, jump), path, key,
            points.Select(pt => pt.Step).ToList(), skipped);
    }
}
