using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Diagnoses;

/// <summary>Runs the rule catalogue over a run and assembles the <see cref="Diagnosis"/>. Pure and deterministic.</summary>
public sealed class Diagnoser
{
    private readonly ImmutableArray<IRule> _rules;
    private readonly RuleSettings _settings;

    public Diagnoser(RuleSettings? settings = null, IEnumerable<IRule>? rules = null)
    {
        _rules = rules is null ? RuleCatalog.All : [.. rules];
        _settings = settings ?? RuleSettings.Default;
    }

    public Diagnosis Diagnose(Run run) => Diagnose(run, null);

    /// <summary>Diagnoses a run together with its validation (and, optionally, training) predictions.</summary>
    public Diagnosis Diagnose(Run run, Evaluation.PredictionContext? predictions, Evaluation.PredictionContext? trainingPredictions = null,
        Evaluation.SeedAggregate? seeds = null)
    {
        var view = new RunView(run, predictions, trainingPredictions, seeds);
        var blocked = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var missingTelemetry = new List<IRule>();
        var runnable = new List<IRule>();

        // Rules across runs (seed variance) only apply when several runs are given; a single run is not "missing" them.
        var rules = view.Seeds is null ? _rules.Where(r => r.Descriptor.Category != RuleCategory.AcrossRuns).ToList() : [.. _rules];
        // Rules over signals only some trainers log run (and count) only when the run logs them.
        rules.RemoveAll(r => r is IOptionalSignals o && !o.Applies(view));
        foreach (var rule in rules)
        {
            var d = rule.Descriptor;
            var missing = d.Requires.Where(s => !view.Has(s)).ToList();
            if (missing.Count > 0)
            {
                foreach (var s in missing)
                {
                    if (!blocked.TryGetValue(s.Id, out var list))
                    {
                        blocked[s.Id] = list = [];
                    }

                    list.Add(d.Slug);
                }

                continue;
            }

            if (rule is IUsesCoverage)
            {
                missingTelemetry.Add(rule);
                continue;
            }

            runnable.Add(rule);
        }

        var (results, stats) = EvaluateAll(runnable, view, run);
        var findings = new List<Finding>();
        var rulesRun = new List<string>();
        var errors = new List<string>();
        foreach (var r in results)
        {
            r.AddTo(findings, rulesRun, errors);
        }

        var present = Signal.All.Where(view.Has).Select(s => s.Id).ToImmutableArray();
        var missingSignals = Signal.All
            .Where(s => blocked.ContainsKey(s.Id))
            .Select(s => new MissingSignal(s.Id, [.. blocked[s.Id]], s.HowToLog))
            .ToImmutableArray();
        // The score measures the training log: rules that need predictions count only when predictions were given
        // (without them they are still listed under missing, with what would unblock them).
        var scored = rules.Where(r => r is not IUsesCoverage && (view.Predictions is not null || !r.Descriptor.Requires.Contains(Signal.Predictions))).ToList();
        var countable = scored.Count;
        var blockedCount = scored.Count(r => r.Descriptor.Requires.Any(s => !view.Has(s)));
        var coverage = new Coverage(
            countable == 0 ? 1 : Math.Round((countable - blockedCount) / (double)countable, 4),
            present, missingSignals, [], []);

        // Rules about coverage itself run last, seeing what the others could not do.
        var coverageView = new CoverageView(coverage);
        foreach (var rule in missingTelemetry)
        {
            Evaluate(rule, view, coverageView).AddTo(findings, rulesRun, errors);
        }

        coverage = coverage with { RulesRun = [.. rulesRun], RuleErrors = [.. errors] };
        var vocab = new TrainerVocabulary(run);
        var sorted = MostImportantFirst(findings, vocab);

        return new Diagnosis(run, Summarise(view, sorted), sorted, coverage, MergeChanges(sorted), NextSteps(sorted, coverage),
            stats ?? Stats(run)) { Predictions = predictions?.Evaluation, TrainingPredictions = trainingPredictions?.Evaluation };
    }

    /// <summary>The findings made pasteable, most severe first, then most confident, then by rule id; ties keep the order the
    /// rules gave them. A stable insertion sort by hand (findings are few): LINQ's keyed sorts were JIT-compiled at every
    /// start.</summary>
    private static ImmutableArray<Finding> MostImportantFirst(List<Finding> findings, TrainerVocabulary vocab)
    {
        var sorted = new Finding[findings.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            var f = Pasteable(findings[i], vocab);
            var j = i;
            while (j > 0 && Before(f, sorted[j - 1]))
            {
                sorted[j] = sorted[j - 1];
                j--;
            }

            sorted[j] = f;
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);

        static bool Before(Finding a, Finding b) =>
            a.Severity != b.Severity ? a.Severity > b.Severity
            : a.Confidence.CompareTo(b.Confidence) is var c && c != 0 ? c > 0
            : string.CompareOrdinal(a.RuleId, b.RuleId) < 0;
    }

    /// <summary>Points from which a run's rules are evaluated on every core: below it one core is faster than starting the
    /// others (and a short command loads no thread pool work). The rules are pure over an immutable run; each result keeps
    /// its rule's place, so the diagnosis is the same either way.</summary>
    public const long DefaultParallelFromPoints = 200_000;

    /// <summary>Points from which the rules run on every core (<see cref="DefaultParallelFromPoints"/>; 0: always, as a
    /// test that the two ways agree does).</summary>
    public long ParallelFromPoints { get; init; } = DefaultParallelFromPoints;

    /// <summary>The rules' results in the rules' order; with them, on a large run, the series statistics, computed on a
    /// core beside the rules instead of after them (null: compute them after).</summary>
    private (RuleResult[] Results, ImmutableArray<SeriesStats>? Stats) EvaluateAll(List<IRule> rules, RunView view, Run run)
    {
        var results = new RuleResult[rules.Count];
        if (Environment.ProcessorCount > 1 && Points(view) >= ParallelFromPoints)
        {
            return (results, EvaluateInParallel(rules, view, run, results));
        }

        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Evaluate(rules[i], view);
        }

        return (results, null);
    }

    /// <summary>The run's logged points, and one per example of its per-example predictions (a predictions file on its own
    /// has no points, but its rules read every example).</summary>
    private static long Points(RunView view)
    {
        var n = 0L;
        foreach (var series in view.Run.Series.Values)
        {
            n += series.Count;
        }

        n += view.Predictions?.Set?.Count ?? 0;
        n += view.TrainingPredictions?.Set?.Count ?? 0;
        return n;
    }

    // Kept out of EvaluateAll so that a small run's diagnosis does not load the parallel library.
    private ImmutableArray<SeriesStats> EvaluateInParallel(List<IRule> rules, RunView view, Run run, RuleResult[] results)
    {
        var stats = ImmutableArray<SeriesStats>.Empty;
        Parallel.For(0, results.Length + 1, i =>
        {
            if (i == 0)
            {
                stats = Stats(run);
            }
            else
            {
                results[i - 1] = Evaluate(rules[i - 1], view);
            }
        });
        return stats;
    }

    private RuleResult Evaluate(IRule rule, RunView view, CoverageView? coverage = null)
    {
        var context = new RuleContext(view, rule.Descriptor, _settings) { Coverage = coverage };
        var findings = new List<Finding>();
        try
        {
            foreach (var finding in rule.Evaluate(context))
            {
                findings.Add(finding);
            }

            return new RuleResult(rule.Descriptor.Slug, findings, null);
        }
#pragma warning disable CA1031 // one failing rule must not stop the others; the failure is reported in coverage
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // the findings it gave before failing are kept, as they always were
            return new RuleResult(rule.Descriptor.Slug, findings, $"{rule.Descriptor.Slug}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>One rule's findings, or the error that stopped it (a class: a list of tuples would be JIT-compiled at
    /// every start).</summary>
    private sealed record RuleResult(string Slug, List<Finding> Findings, string? Error)
    {
        public void AddTo(List<Finding> findings, List<string> rulesRun, List<string> errors)
        {
            findings.AddRange(Findings);
            if (Error is null)
            {
                rulesRun.Add(Slug);
            }
            else
            {
                errors.Add(Error);
            }
        }
    }

    private static DiagnosisSummary Summarise(RunView view, ImmutableArray<Finding> findings)
    {
        var status = findings.Any(f => f.Severity == Severity.Error) ? DiagnosisStatus.Critical
            : findings.Any(f => f.Severity == Severity.Warning) ? DiagnosisStatus.Warning
            : DiagnosisStatus.Healthy;

        MetricPoint? best = null, final = null;
        long? stepsPast = null;
        int? evalsPast = null;
        if (view.Primary is { } p)
        {
            var values = SeriesValues.Of(p);
            var b = SeriesMath.ArgBest(values, view.PrimaryGreaterIsBetter);
            var f = values.Length - 1;
            if (b >= 0)
            {
                best = Point(p.Points[b]);
                final = Point(p.Points[f]);
                stepsPast = p.Points[f].Step - p.Points[b].Step;
                evalsPast = f - b;
            }
        }

        var serious = findings.Where(f => f.Severity >= Severity.Warning).ToList();
        string headline;
        if (view.Run.Series.Values.All(x => x.Count == 0) && !serious.Any(f => f.Severity >= Severity.Error))
        {
            headline = "Nothing was logged: no series to analyse.";
        }
        else if (serious.Count > 0)
        {
            headline = serious[0].Title;
            if (serious.Count > 1)
            {
                headline += string.Create(CultureInfo.InvariantCulture, $" (and {serious.Count - 1} more finding{(serious.Count > 2 ? "s" : "")})");
            }
        }
        else if (WorstDamage(view) is { } worst)
        {
            // No rule fired, yet the primary metric or a task metric ended well past its best (a log cut short before the
            // rules could judge it): the damage is the headline, and the run is not called healthy.
            status = DiagnosisStatus.Warning;
            headline = string.Create(CultureInfo.InvariantCulture,
                $"The final {worst.Key} {Format.Number(worst.Final.Value)} (step {Format.Step(worst.Final.Step)}) is {Format.Percent(worst.Damage)} worse than its best {Format.Number(worst.Best.Value)} at step {Format.Step(worst.Best.Step)}: use the best checkpoint, not the final weights (reported from {Format.Percent(FinalDamageThreshold)} worse).");
        }
        else
        {
            headline = best is { } bb && view.Primary is { } pp
                ? string.Create(CultureInfo.InvariantCulture, $"No problems found; best {pp.Key} {Format.Number(bb.Value)} at step {Format.Step(bb.Step)}.")
                : "No problems found in the logged series.";
        }

        return new DiagnosisSummary(status, headline, view.Primary?.Key, view.PrimarySource, view.PrimaryGreaterIsBetter,
            best, final, stepsPast, evalsPast);
    }

    private static MetricPoint Point(SeriesPoint p) => new(p.Step, p.Value, p.Epoch);

    /// <summary>How much worse than its best a final primary value may be before the summary says so: 20%, well past the
    /// evaluation noise of a converged run, well short of the 67% a run cut short after its best can show.</summary>
    private const double FinalDamageThreshold = 0.2;

    /// <summary>The primary metric or validation task metric (accuracy, F1, WER, …) whose last value is the most worse than
    /// its best, from <see cref="FinalDamageThreshold"/>; the primary first on ties. Null when none is.</summary>
    private static (string Key, SeriesPoint Best, SeriesPoint Final, double Damage)? WorstDamage(RunView view)
    {
        (string Key, SeriesPoint Best, SeriesPoint Final, double Damage)? worst = null;
        var metrics = new List<Series>();
        if (view.Primary is { } primary)
        {
            metrics.Add(primary);
        }

        metrics.AddRange(TaskMetrics.FindAll(view).Where(m => !ReferenceEquals(m, view.Primary)));
        foreach (var m in metrics)
        {
            var values = SeriesValues.Of(m);
            var greater = TaskMetrics.GreaterIsBetter(view, m);
            var b = SeriesMath.ArgBest(values, greater);
            if (b < 0 || values.Length - 1 <= b)
            {
                continue;
            }

            var last = m.Points[^1];
            if (FinalDamage(values[b], last.Value, greater) is { } damage && (worst is null || damage > worst.Value.Damage))
            {
                worst = (m.Key, m.Points[b], last, damage);
            }
        }

        return worst;
    }

    /// <summary>The relative worsening of the final value on the best, or null when it is under the threshold.</summary>
    private static double? FinalDamage(double best, double final, bool greaterIsBetter)
    {
        if (!Finite.Is(best) || !Finite.Is(final) || best == 0)
        {
            return null;
        }

        var worse = (greaterIsBetter ? best - final : final - best) / Math.Abs(best);
        return worse >= FinalDamageThreshold ? worse : null;
    }

    /// <summary>The finding with every config change marked with where the trainer takes it, and without no-ops
    /// (<c>1 → 1</c>): a recommendation whose every change was a no-op is left out, as it asks for nothing new.</summary>
    private static Finding Pasteable(Finding f, TrainerVocabulary vocab)
    {
        if (f.Recommendations.All(r => r.ConfigChanges.IsEmpty))
        {
            return f;
        }

        var recs = ImmutableArray.CreateBuilder<Recommendation>(f.Recommendations.Length);
        foreach (var r in f.Recommendations)
        {
            var changes = r.ConfigChanges.Where(c => !TrainerVocabulary.IsNoOp(c)).Select(c => c with { Destination = vocab.Destination(c.Key) }).ToImmutableArray();
            if (changes.IsEmpty && !r.ConfigChanges.IsEmpty)
            {
                continue;
            }

            recs.Add(r with { ConfigChanges = changes });
        }

        return f with { Recommendations = recs.ToImmutable() };
    }

    /// <summary>
    /// One coherent set of config changes, one value per key. The findings of the first root cause (the one to fix
    /// first) speak first, so the merged config never contradicts it; then the others, most severe first. Keys that only
    /// make sense together (the metric to keep the best by, and its direction) all come from one recommendation. No-ops
    /// were already left out.
    /// </summary>
    private static ImmutableArray<ConfigChange> MergeChanges(ImmutableArray<Finding> sortedFindings)
    {
        var causes = RootCause.Group(sortedFindings);
        ImmutableArray<string> lead = causes.IsEmpty ? [] : causes[0].Rules;
        var ordered = sortedFindings.Where(f => lead.Contains(f.Rule)).Concat(sortedFindings.Where(f => !lead.Contains(f.Rule)));
        var merged = new Dictionary<string, ConfigChange>(StringComparer.Ordinal);
        foreach (var f in ordered)
        {
            foreach (var r in f.Recommendations)
            {
                var taken = new HashSet<string>(StringComparer.Ordinal);
                foreach (var c in r.ConfigChanges)
                {
                    var linkedElsewhere = TrainerVocabulary.LinkedKeys(c.Key).Any(k => merged.ContainsKey(k) && !taken.Contains(k));
                    if (!merged.ContainsKey(c.Key) && !linkedElsewhere)
                    {
                        merged.Add(c.Key, c);
                        taken.Add(c.Key);
                    }
                }
            }
        }

        return [.. merged.Values.OrderBy(c => c.Destination, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal)];
    }

    private static ImmutableArray<string> NextSteps(ImmutableArray<Finding> findings, Coverage coverage)
    {
        var steps = new List<string>();
        foreach (var f in findings.Where(f => f.Severity >= Severity.Warning))
        {
            if (f.Recommendations.Length > 0 && !steps.Contains(f.Recommendations[0].Action))
            {
                steps.Add(f.Recommendations[0].Action);
            }
        }

        if (coverage.Missing.Length > 0)
        {
            var logged = coverage.Missing.Where(m => m.Signal != "predictions").ToList();
            if (logged.Count > 0)
            {
                steps.Add("Log " + string.Join(", ", logged.Select(m => m.Signal))
                    + " so that " + string.Join(", ", logged.SelectMany(m => m.Blocks).Distinct()) + " can run.");
            }

            if (coverage.Missing.FirstOrDefault(m => m.Signal == "predictions") is { } p)
            {
                steps.Add("Save the validation predictions and pass them with --predictions FILE so that " + string.Join(", ", p.Blocks) + " can run.");
            }
        }

        if (findings.Any(f => f.Severity >= Severity.Warning))
        {
            steps.Add("After changing the configuration, run `runlens analyze` on the new run and compare.");
        }

        return [.. steps];
    }

    private static ImmutableArray<SeriesStats> Stats(Run run)
    {
        var stats = ImmutableArray.CreateBuilder<SeriesStats>(run.Series.Count);
        foreach (var s in run.Series.Values)
        {
            if (s.Count == 0)
            {
                continue;
            }

            var values = SeriesValues.Of(s);
            var min = SeriesMath.ArgBest(values, greaterIsBetter: false);
            var max = SeriesMath.ArgBest(values, greaterIsBetter: true);
            stats.Add(new SeriesStats(s.Key, s.OriginalName, s.Count, Point(s.First), Point(s.Last),
                min < 0 ? null : Point(s.Points[min]), max < 0 ? null : Point(s.Points[max]), SeriesMath.CountNonFinite(values)));
        }

        return stats.ToImmutable();
    }
}
