using System.CommandLine;
using Runlens.Audit;
using Runlens.Audit.Results;
using Runlens.Reports.Audit;
using Spectre.Console;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens audit PATH [--split NAME=PATH]... [--labels FILE] [--format text|json|md|html] [--out FILE]
/// [--write-filter FILE] [--set check.option=value]...</c>: the data audit.</summary>
internal static class AuditCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("path") { Description = "A dataset folder (class folders, train/val/test folders, a labels CSV) or a table file (CSV, JSONL, Parquet, Arrow)" };
        var splits = new Option<string[]>("--split") { Description = "A split as NAME=PATH, e.g. --split train=data/train --split test=data/test (repeatable)", AllowMultipleArgumentsPerToken = false };
        var labels = new Option<string?>("--labels") { Description = "CSV mapping file names to labels (columns file_name and label)" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. AuditRenderers.Formats]);
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of standard output" };
        var filter = new Option<string?>("--write-filter") { Description = "Write the files to leave out (one path per line) to this file" };
        var set = new Option<string[]>("--set") { Description = "Override a check option, e.g. --set blurry-image.max_variance=50 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("audit", "Audit a dataset: unreadable, tiny, blurred, duplicated, leaked, mislabelled and drifted data.")
        {
            path, splits, labels, format, output, filter, set,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new AuditOptions { LabelsFile = parse.GetValue(labels), Thumbnails = parse.GetValue(format) == "html" };
            try
            {
                options = options with
                {
                    Splits = [.. (parse.GetValue(splits) ?? []).Select(ParseSplit)],
                    Settings = AuditCatalog.ParseSettings(parse.GetValue(set) ?? []),
                };
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.Usage;
            }

            return await RunAsync(parse.GetValue(path)!, options, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(filter), ct);
        });
        return command;
    }

    private static (string Name, string Path) ParseSplit(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1)
        {
            throw new FormatException($"--split '{text}': expected NAME=PATH, e.g. --split test=data/test");
        }

        return (text[..eq], text[(eq + 1)..]);
    }

    private static async Task<int> RunAsync(string path, AuditOptions options, string format, string? outFile, string? filterFile, CancellationToken ct)
    {
        AuditResult result;
        try
        {
            result = await WithProgressAsync(path, options, ct);
        }
        catch (AuditInputException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }

        var toTerminal = outFile is null && !Console.IsOutputRedirected;
        var renderer = format == "text"
            ? new AuditTerminalRenderer(toTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")), toTerminal ? Width() : 160)
            : AuditRenderers.For(format);
        try
        {
            if (filterFile is not null)
            {
                await File.WriteAllLinesAsync(filterFile, result.LeaveOut, ct);
                await Console.Error.WriteLineAsync($"runlens: wrote {filterFile} ({result.LeaveOut.Length} files to leave out)");
            }

            if (outFile is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                renderer.Render(result, stdout);
            }
            else
            {
                await using (var file = File.Create(outFile))
                {
                    renderer.Render(result, file);
                }

                await Console.Error.WriteLineAsync($"runlens: wrote {outFile} ({result.Summary.Examples} examples, {result.Findings.Length} findings)");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"runlens: {outFile ?? filterFile}: cannot write: {ex.Message}");
            return ExitCodes.BadInput;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Runs the audit with a progress bar on stderr when stderr is a terminal.</summary>
    private static async Task<AuditResult> WithProgressAsync(string path, AuditOptions options, CancellationToken ct)
    {
        if (Console.IsErrorRedirected)
        {
            return await AuditRunner.RunAsync(path, options, null, ct);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        AuditResult? result = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"auditing {Path.GetFileName(Path.TrimEndingDirectorySeparator(path))}");
                var progress = new Progress<AuditProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                result = await AuditRunner.RunAsync(path, options, progress, ct);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static int Width()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }
}
