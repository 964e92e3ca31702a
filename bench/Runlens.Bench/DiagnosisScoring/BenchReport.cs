using System.Collections.Immutable;
using System.Globalization;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>Prints a split's figures as Markdown tables (readable in a terminal, pasteable into the README). Renders only.</summary>
internal static class BenchReport
{
    private static readonly ImmutableHashSet<string> AuditChecks =
        [.. global::Runlens.Audit.AuditCatalog.All.Select(c => c.Descriptor.Slug)];

    public static string Title(string split) => split == BenchTruth.Tuning ? "tuning (seeds 0-1)" : "held-out (seeds 2 and up)";

    public static void Write(TextWriter w, SplitScore score, CauseTable causes, ImmutableHashSet<string> ignored, bool misses = true)
    {
        w.WriteLine(Inv($"## {Title(score.Split)}: {score.Runs} runs"));
        w.WriteLine();
        w.WriteLine("A rule fires when it reports a finding at or above its default severity. TP: fired on a run built to make it fire; "
            + "FN: built for it, silent; FP: fired where it was neither built for nor allowed; allowed: fired where allowed (not counted).");
        w.WriteLine();
        w.WriteLine("| rule | meant for | TP | FN | FP | allowed | precision | recall |");
        w.WriteLine("|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var r in score.Rules.Where(r => r.Active).OrderBy(r => r.MeantFor.IsEmpty).ThenBy(r => r.Rule, StringComparer.Ordinal))
        {
            var meant = r.MeantFor.IsEmpty ? "–" : string.Join(", ", r.MeantFor);
            var precision = r.TruePositives + r.FalsePositives == 0 ? "–" : Inv($"{r.Precision:0.00}");
            var recall = r.TruePositives + r.FalseNegatives == 0 ? "–" : Inv($"{r.Recall:0.00}");
            w.WriteLine(Inv($"| {r.Rule} | {meant} | {r.TruePositives} | {r.FalseNegatives} | {r.FalsePositives} | {r.AllowedFirings} | {precision} | {recall} |"));
        }

        var idle = score.Rules.Where(r => !r.Active).Select(r => r.Rule).ToList();
        var idleChecks = idle.Where(AuditChecks.Contains).ToList();
        var idleRules = idle.Where(r => !AuditChecks.Contains(r)).ToList();
        if (idleRules.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Neither needed nor fired: " + string.Join(", ", idleRules) + ".");
        }

        if (idleChecks.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Data-audit checks neither needed nor fired: " + string.Join(", ", idleChecks) + ".");
        }

        w.WriteLine();
        w.WriteLine("| figure | value |");
        w.WriteLine("|---|--:|");
        w.WriteLine(Inv($"| root-cause top-1 (the first root cause is the true one; healthy: none reported) | {score.RootCauseRight}/{score.Runs} = {score.RootCauseTop1:0.000} |"));
        var healthyErrors = score.Outcomes.Where(o => o.Truth.RootCause == BenchTruth.Healthy && !o.Errors.IsEmpty)
            .Select(o => $"{o.Truth.Run} ({string.Join(", ", o.Errors)})").ToList();
        w.WriteLine(Inv($"| healthy runs with an error finding | {score.HealthyWithErrors} of {score.HealthyRuns}{(healthyErrors.Count > 0 ? ": " + string.Join("; ", healthyErrors) : "")} |"));
        w.WriteLine(Inv($"| best step exact (summary best step = truth) | {score.BestStepExact}/{score.BestStepRuns} = {score.BestStepExactness:0.000} |"));
        w.WriteLine(Inv($"| imported (log and predictions read) | {score.Imported}/{score.Runs} |"));
        w.WriteLine(Inv($"| with data (diagnosed with --data-dir: the training data audited) | {score.Outcomes.Count(o => o.Run.DataPath is not null)}/{score.Runs} |"));
        w.WriteLine();
        WriteConditions(w, score, causes, ignored);
        if (misses)
        {
            WriteMisses(w, score, causes, ignored);
        }
    }

    private static void WriteConditions(TextWriter w, SplitScore score, CauseTable causes, ImmutableHashSet<string> ignored)
    {
        w.WriteLine("| condition | runs | faults fired | false alarms | root cause right | first root cause reported |");
        w.WriteLine("|---|--:|--:|--:|--:|---|");
        foreach (var group in score.Outcomes.GroupBy(o => o.Truth.Condition).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var faults = group.Sum(o => o.Truth.Faults.Length);
            var fired = group.Sum(o => o.Truth.Faults.Length - o.Missed.Length);
            var alarms = group.Sum(o => o.FalseAlarms(ignored).Length);
            var right = group.Count(o => o.RootCauseRight(causes));
            var reported = string.Join(", ", group.GroupBy(o => o.ImportError is not null ? "import failed" : o.TopRootCause ?? "none")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => Inv($"{g.Key} ×{g.Count()}")));
            w.WriteLine(Inv($"| {group.Key} | {group.Count()} | {(faults == 0 ? "–" : $"{fired}/{faults}")} | {alarms} | {right}/{group.Count()} | {reported} |"));
        }

        w.WriteLine();
    }

    private static void WriteMisses(TextWriter w, SplitScore score, CauseTable causes, ImmutableHashSet<string> ignored)
    {
        var lines = new List<string>();
        foreach (var o in score.Outcomes.OrderBy(o => o.Truth.Run, StringComparer.Ordinal))
        {
            var parts = new List<string>();
            if (o.ImportError is { } error)
            {
                parts.Add("import failed: " + error);
            }
            else
            {
                if (o.Format != o.Truth.Format)
                {
                    parts.Add($"detected as {o.Format}");
                }

                if (!o.Missed.IsEmpty)
                {
                    parts.Add("missed " + string.Join(", ", o.Missed));
                }

                var alarms = o.FalseAlarms(ignored);
                if (!alarms.IsEmpty)
                {
                    parts.Add("false alarm " + string.Join(", ", alarms));
                }

                if (!o.RootCauseRight(causes))
                {
                    var want = o.Truth.RootCause == BenchTruth.Healthy ? "none" : o.Truth.RootCause;
                    parts.Add($"root cause {o.TopRootCause ?? "none"} (true: {want})");
                }

                if (o.Truth.BestStep is { } best && o.BestStep != best)
                {
                    parts.Add(Inv($"best step {(o.BestStep is { } b ? b.ToString(CultureInfo.InvariantCulture) : "none")} (true: {best})"));
                }
            }

            if (parts.Count > 0)
            {
                lines.Add($"- {o.Truth.Run} ({o.Truth.Format}): {string.Join("; ", parts)}");
            }
        }

        w.WriteLine(Inv($"Misses ({lines.Count} of {score.Runs} runs):"));
        w.WriteLine();
        foreach (var line in lines)
        {
            w.WriteLine(line);
        }

        w.WriteLine();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
