using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>
/// <c>diagnosis [--split tuning|heldout|all] [--data DIR] [--json FILE] [--subset quick] [--record]</c>: diagnoses every
/// benchmark run with the normal importers and default rule settings and prints, per split, per-rule precision and
/// recall, root-cause top-1 accuracy, error findings on healthy runs, best-step exactness and the misses.
/// <c>--record</c> writes the quick subset's figures to recorded.json (the CI test's floor).
/// </summary>
internal static class DiagnosisBench
{
    private const string Usage = "usage: diagnosis [--split tuning|heldout|all] [--data DIR] [--json FILE] [--subset quick|all] [--record]";

    public static async Task<int> RunAsync(string[] args)
    {
        string split = "all", subset = "all";
        string? data = null, json = null;
        var record = false;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--split": split = Next() ?? ""; break;
                case "--data": data = Next(); break;
                case "--json": json = Next(); break;
                case "--subset": subset = Next() ?? ""; break;
                case "--record": record = true; break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: await Console.Error.WriteLineAsync($"diagnosis: unknown argument '{args[i]}'\n{Usage}"); return 1;
            }
        }

        if (split is not ("tuning" or "heldout" or "all") || subset is not ("quick" or "all") || (data is null && args.Contains("--data")) || (json is null && args.Contains("--json")))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 1;
        }

        if (record)
        {
            subset = "quick"; // recorded.json holds the quick subset's figures, the ones the CI test recomputes
            split = "all";
        }

        BenchData bench;
        try
        {
            bench = BenchData.Load(data ?? BenchData.DefaultRoot());
        }
        catch (BenchDataException ex)
        {
            await Console.Error.WriteLineAsync("diagnosis: " + ex.Message);
            return 2;
        }

        var runs = bench.Runs.Where(r => subset == "all" || r.InQuickSubset)
            .Where(r => split == "all" || r.Truth.Split == split).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Diagnosis benchmark: {runs.Count} runs of {bench.Runs.Length} in {Path.Combine(bench.Root, BenchData.RunsFolder)}{(subset == "quick" ? " (quick subset: seeds 0 and 2)" : "")}"));
        Console.WriteLine();
        var sw = Stopwatch.StartNew();
        var outcomes = await BenchEvaluator.EvaluateAllAsync(runs);
        var seconds = sw.Elapsed.TotalSeconds;

        var scores = new[] { BenchTruth.Tuning, BenchTruth.HeldOut }
            .Where(s => split == "all" || s == split)
            .Select(s => BenchScorer.Score(s, [.. outcomes.Where(o => o.Truth.Split == s)], bench.Causes, bench.IgnoredRules))
            .Where(s => s.Runs > 0)
            .ToList();
        foreach (var score in scores)
        {
            BenchReport.Write(Console.Out, score, bench.Causes, bench.IgnoredRules);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported and diagnosed {runs.Count} runs in {seconds:0.0} s."));
        try
        {
            if (json is not null)
            {
                WriteJson(json, scores, bench);
                Console.WriteLine("Wrote " + json);
            }

            if (record)
            {
                var file = Path.Combine(bench.Root, BenchData.RecordedFile);
                RecordedFigures.From(scores).Write(file);
                Console.WriteLine("Recorded the quick subset's figures in " + file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"diagnosis: cannot write the results: {ex.Message}");
            return 2;
        }

        return 0;
    }

    private static void WriteJson(string file, IReadOnlyList<SplitScore> scores, BenchData bench)
    {
        using var stream = File.Create(file);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", "runlens.bench.diagnosis/v1");
        w.WriteStartObject("splits");
        foreach (var s in scores)
        {
            w.WriteStartObject(s.Split);
            w.WriteNumber("runs", s.Runs);
            w.WriteStartObject("figures");
            foreach (var (name, value) in s.Figures())
            {
                w.WriteNumber(name, value);
            }

            w.WriteEndObject();
            w.WriteStartArray("rules");
            foreach (var r in s.Rules)
            {
                w.WriteStartObject();
                w.WriteString("rule", r.Rule);
                w.WriteStartArray("meant_for");
                foreach (var c in r.MeantFor)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteNumber("tp", r.TruePositives);
                w.WriteNumber("fn", r.FalseNegatives);
                w.WriteNumber("fp", r.FalsePositives);
                w.WriteNumber("allowed", r.AllowedFirings);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("runs_detail");
            foreach (var o in s.Outcomes)
            {
                w.WriteStartObject();
                w.WriteString("run", o.Truth.Run);
                w.WriteString("condition", o.Truth.Condition);
                w.WriteString("format", o.Format);
                w.WriteString("import_error", o.ImportError);
                WriteStrings(w, "fired", o.Fired);
                WriteStrings(w, "missed", o.Missed);
                WriteStrings(w, "false_alarms", o.FalseAlarms(bench.IgnoredRules));
                WriteStrings(w, "errors", o.Errors);
                w.WriteString("root_cause", o.TopRootCause);
                w.WriteString("true_root_cause", o.Truth.RootCause);
                w.WriteBoolean("root_cause_right", o.RootCauseRight(bench.Causes));
                WriteStep(w, "best_step", o.BestStep);
                WriteStep(w, "true_best_step", o.Truth.BestStep);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter w, string name, long? step)
    {
        if (step is { } s)
        {
            w.WriteNumber(name, s);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
