using System.CommandLine;
using System.Globalization;
using Runlens.Import;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens import PATH... [--store FILE|URL]</c>, <c>runlens runs [--experiment X] [--filter TEXT] [--order-by CLAUSE]...</c> and
/// <c>runlens show RUN</c>: runs kept in the store.</summary>
internal static class StoreCommands
{
    public static Command Import()
    {
        var paths = new Argument<string[]>("paths") { Description = "Run folders or log files to store", Arity = ArgumentArity.OneOrMore };
        var store = StoreOption.Create();
        var command = new Command("import", "Read runs from logs into the run store (importing the same run again adds nothing).") { paths, store };
        command.SetAction(async (parse, ct) =>
        {
            await using var s = await StoreOption.OpenAsync(parse.GetValue(store), StoreOpenMode.OpenOrCreate, ct);
            var failed = 0;
            foreach (var path in parse.GetValue(paths)!)
            {
                ImportResult imported;
                try
                {
                    imported = await ImportProgress.RunAsync(path, ct);
                }
                catch (RunImportException ex)
                {
                    await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                    failed++;
                    continue;
                }

                foreach (var run in imported.Runs)
                {
                    var saved = await s.SaveRunAsync(run, ct);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{run.Identity.Id}  {run.Identity.Name}  {(saved.NewRun ? "stored" : "already stored")}, {saved.PointsAdded:N0} new points ({run.Identity.Source.Format})"));
                }
            }

            return failed == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    public static Command Runs()
    {
        var experiment = new Option<string?>("--experiment") { Description = "Only runs of this experiment" };
        var filter = new Option<string?>("--filter") { Description = "MLflow search syntax, e.g. \"metrics.eval_loss < 0.5 and params.optim = 'adamw'\"; metrics.NAME also finds runs that logged NAME under another spelling of the same key (eval_loss, val_loss: val/loss)" };
        var order = new Option<string[]>("--order-by") { Description = "MLflow order_by clause, e.g. \"metrics.val_loss ASC\" (repeatable; default: start time, newest first)" };
        var name = new Option<string?>("--name") { Description = "Only runs whose name or id contains this text" };
        var limit = new Option<int>("--limit") { Description = "How many runs to list", DefaultValueFactory = _ => 100 };
        var pageToken = new Option<string?>("--page-token") { Description = "Go on after the runs listed before: the token the previous page printed" };
        var store = StoreOption.Create();
        var command = new Command("runs", "List the runs in the store, with the filter and order of MLflow's search.") { experiment, filter, order, name, limit, pageToken, store };
        command.SetAction(async (parse, ct) =>
        {
            var orderBy = parse.GetValue(order) ?? [];
            if (parse.GetValue(limit) < 1)
            {
                await Console.Error.WriteLineAsync("runlens: --limit: give 1 or more");
                return ExitCodes.Usage;
            }

            // Syntax first, so the error names the option at fault; names the store lacks are checked by the search.
            if ((Syntax(() => Storage.Search.RunFilter.Parse(parse.GetValue(filter)), "--filter") ?? Syntax(() => Storage.Search.RunOrder.Parse(orderBy), "--order-by")) is { } bad)
            {
                await Console.Error.WriteLineAsync(bad);
                return ExitCodes.Usage;
            }

            await using var s = await StoreOption.OpenAsync(parse.GetValue(store), StoreOpenMode.OpenExisting, ct);
            RunPage page;
            try
            {
                page = await s.SearchRunsAsync(new RunSearch
                {
                    Filter = parse.GetValue(filter),
                    OrderBy = orderBy,
                    Experiments = parse.GetValue(experiment) is { } e ? [e] : null,
                    NameContains = parse.GetValue(name),
                    PageSize = parse.GetValue(limit),
                    PageToken = parse.GetValue(pageToken),
                }, ct);
            }
            catch (Storage.Search.SearchSyntaxException ex)
            {
                // a name no stored run has (the message lists those that exist), or a page token of another search
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.Usage;
            }

            if (page.Runs.Count == 0)
            {
                await Console.Error.WriteLineAsync(parse.GetValue(filter) is null && parse.GetValue(name) is null && parse.GetValue(experiment) is null && parse.GetValue(pageToken) is null
                    ? "runlens: no runs in the store yet; add some with `runlens import PATH`"
                    : "runlens: no stored run matches");
                return ExitCodes.Ok;
            }

            var rows = new List<string[]> { new[] { "ID", "NAME", "EXPERIMENT", "STATUS", "SERIES", "POINTS", "FORMAT", "SOURCE" } };
            foreach (var r in page.Runs)
            {
                var series = await s.ListSeriesAsync(r.Id, ct);
                rows.Add([r.Id, r.Name, r.Experiment ?? "-", r.Status.ToString().ToLowerInvariant(), series.Count.ToString(CultureInfo.InvariantCulture),
                    series.Sum(x => x.Count).ToString("N0", CultureInfo.InvariantCulture), r.Format, r.SourcePath]);
            }

            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
            foreach (var row in rows)
            {
                // numbers right-aligned, the last column not padded
                Console.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : c is 4 or 5 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))));
            }

            if (page.NextPageToken is { } next)
            {
                await Console.Error.WriteLineAsync($"runlens: more runs follow; the next page: --page-token {next}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The CLI's line for a filter or order_by that does not parse, or null.</summary>
    private static string? Syntax(Action parse, string option)
    {
        try
        {
            parse();
            return null;
        }
        catch (Storage.Search.SearchSyntaxException ex)
        {
            return $"runlens: {option}: {ex.Message}";
        }
    }

    public static Command Show()
    {
        var run = new Argument<string>("run") { Description = "Run id or name in the store" };
        var store = StoreOption.Create();
        var command = new Command("show", "Show a stored run: identity, config and series.") { run, store };
        command.SetAction(async (parse, ct) =>
        {
            await using var s = await StoreOption.OpenAsync(parse.GetValue(store), StoreOpenMode.OpenExisting, ct);
            var r = await s.GetRunAsync(parse.GetValue(run)!, ct);
            if (r is null)
            {
                await Console.Error.WriteLineAsync($"runlens: no run with id or name '{parse.GetValue(run)}' in {StoreOption.Describe(parse.GetValue(store))}; `runlens runs` lists them");
                return ExitCodes.BadInput;
            }

            Console.WriteLine($"{r.Identity.Id}  {r.Identity.Name}  ({r.Identity.Source.Format}, {r.Identity.Source.Path})");
            Console.WriteLine($"status {r.Status.ToString().ToLowerInvariant()}; experiment {r.Identity.Experiment ?? "-"}; parent {r.Identity.ParentId ?? "-"}");
            Console.WriteLine($"config: {r.Config.Count} keys");
            foreach (var series in r.Series.Values)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {series.Key,-32} {series.Count,8:N0} points  steps {(series.Count > 0 ? $"{series.First.Step:N0}–{series.Last.Step:N0}" : "-")}  ({series.OriginalName})"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
