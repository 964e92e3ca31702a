using Runlens.Import;
using Spectre.Console;

namespace Runlens.Cli.Commands;

/// <summary>Imports a path, showing a progress bar on stderr for large inputs when stderr is a terminal.</summary>
internal static class ImportProgress
{
    private const long ShowAbove = 16L * 1024 * 1024;

    public static async Task<ImportResult> RunAsync(string path, CancellationToken ct)
    {
        var importer = ImporterCatalog.Detect(path);
        if (Console.IsErrorRedirected || SizeOf(path) < ShowAbove)
        {
            return (await importer.ImportAsync(path, ImportContext.None, ct)).WriteSkipped(Console.Error);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ImportResult? result = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"reading {Path.GetFileName(Path.TrimEndingDirectorySeparator(path))} ({importer.Format})");
                var progress = new Progress<Import.ImportProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                result = await importer.ImportAsync(path, new ImportContext { Progress = progress }, ct);
                task.Value = task.MaxValue;
            });
        return result!.WriteSkipped(Console.Error);
    }

    private static long SizeOf(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                return new FileInfo(path).Length;
            }

            return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Take(10_000).Sum(f => f.Length);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
