using System.CommandLine;
using System.Globalization;
using Runlens.Import;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens import PATH... [--store FILE|URL]</c>, <c>runlens runs [--experiment X] [--filter TEXT]</c> and
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
            await using var s = await StoreOption.OpenAsync(parse.GetValue(store), ct);
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
        var filter = new Option<string?>("--filter") { Description = "MLflow search syntax, e.g. \"metrics.eval_loss < 0.5 and params.optim = 'adamw'\"" };
        var name = new Option<string?>("--name") { Description = "Only runs whose name or id contains this text" };
        var limit = new Option<int>("--limit") { Description = "How many runs to list", DefaultValueFactory = _ => 100 };
        var store = StoreOption.Create();
        var command = new Command("runs", "List the runs in the store.") { experiment, filter, name, limit, store };
        command.SetAction(async (parse, ct) =>
        {
            Storage.Search.RunFilter where;
            try
            {
                where = Storage.Search.RunFilter.Parse(parse.GetValue(filter));
            }
            catch (Storage.Search.SearchSyntaxException ex)
            {
                await Console.Error.WriteLineAsync($"runlens: --filter: {ex.Message}");
                return ExitCodes.Usage;
            }

            await using var s = await RunStores.OpenAsync(StoreOption.Resolve(parse.GetValue(store)), ct);
            var max = parse.GetValue(limit);
            IReadOnlyList<StoredRun> runs;
            if (where.MatchesEverything)
            {
                runs = await s.ListRunsAsync(new RunQuery(parse.GetValue(experiment), parse.GetValue(name), max), ct);
            }
            else
            {
                var matching = (await s.ListRecordsAsync(new RecordQuery(parse.GetValue(experiment) is { } e ? [e] : null), ct))
                    .Where(where.Matches).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                runs = [.. (await s.ListRunsAsync(new RunQuery(parse.GetValue(experiment), parse.GetValue(name), int.MaxValue), ct)).Where(r => matching.Contains(r.Id)).Take(max)];
            }

            foreach (var r in runs)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Id}  {r.Name}  {r.Experiment ?? "-"}  {r.Status.ToString().ToLowerInvariant()}  {r.SeriesCount} series, {r.PointCount:N0} points  {r.Format}  {r.SourcePath}"));
            }

            if (runs.Count == 0)
            {
                await Console.Error.WriteLineAsync(parse.GetValue(filter) is null && parse.GetValue(name) is null && parse.GetValue(experiment) is null
                    ? "runlens: no runs in the store yet; add some with `runlens import PATH`"
                    : "runlens: no stored run matches");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Show()
    {
        var run = new Argument<string>("run") { Description = "Run id or name in the store" };
        var store = StoreOption.Create();
        var command = new Command("show", "Show a stored run: identity, config and series.") { run, store };
        command.SetAction(async (parse, ct) =>
        {
            await using var s = await StoreOption.OpenAsync(parse.GetValue(store), ct);
            var r = await s.GetRunAsync(parse.GetValue(run)!, ct);
            if (r is null)
            {
                await Console.Error.WriteLineAsync($"runlens: no run '{parse.GetValue(run)}' in the store; `runlens runs` lists them");
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
