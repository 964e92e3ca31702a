using System.Collections.Immutable;
using System.Globalization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Comparison;

/// <summary>
/// Several diagnosed runs compared (<c>runlens.comparison/v1</c>): which run is best on the primary metric and by how
/// much, whether that margin is more than the seed-to-seed spread, the settings that differ, each metric's curves
/// summarised (best, final, steps to a target, value at the last common step), how steady each run trained, the
/// findings one run has and the others do not, and what the differences suggest. Built from the diagnoses (each run is
/// diagnosed once); pure and deterministic.
/// </summary>
/// <param name="Diagnoses">The runs' diagnoses, in the order given.</param>
/// <param name="Labels">A unique display name per run: its name, with its id (or position) added where names repeat.</param>
/// <param name="SideBySide">Config keys that differ and every metric's best and final value (the web UI's comparison).</param>
/// <param name="Primary">The metric the runs are ranked by; null when no run has a validation metric or a training loss.</param>
/// <param name="Ranking">Runs that have the primary metric, best first.</param>
/// <param name="Seeds">The best configuration's margin against the seed spread.</param>
/// <param name="Metrics">Every metric's curves across the runs, by key.</param>
/// <param name="Stability">Per run, in run order.</param>
/// <param name="Findings">Every finding (rule and series) and the runs that have it, by rule id then series.</param>
/// <param name="Recommendations">What the differences suggest, problems first.</param>
public sealed record ExperimentComparison(
    ImmutableArray<Diagnosis> Diagnoses,
    ImmutableArray<string> Labels,
    RunComparison SideBySide,
    PrimaryMetricChoice? Primary,
    ImmutableArray<RankedRun> Ranking,
    SeedComparison Seeds,
    ImmutableArray<MetricCurves> Metrics,
    ImmutableArray<RunStability> Stability,
    ImmutableArray<FindingPresence> Findings,
    ImmutableArray<ComparisonRecommendation> Recommendations)
{
    public const string Schema = "runlens.comparison/v1";

    /// <summary>The config keys whose value is not the same in every run (and only those).</summary>
    public ImmutableArray<ConfigDifference> Config => SideBySide.Config;

    /// <summary>The best run by the primary metric, or null.</summary>
    public RankedRun? Best => Ranking.IsEmpty ? null : Ranking[0];

    /// <summary>How far the second run is behind the best (positive); null with fewer than two ranked runs.</summary>
    public double? Margin => Ranking.Length >= 2 ? Ranking[1].GapToBest : null;

    /// <summary>Findings present in exactly one run.</summary>
    public ImmutableArray<FindingPresence> Unique => [.. Findings.Where(f => f.Runs.Length == 1)];

    /// <summary>Findings present in every run.</summary>
    public ImmutableArray<FindingPresence> Common => [.. Findings.Where(f => f.Runs.Length == Diagnoses.Length)];

    /// <summary>Diagnoses every run (in parallel; each run once) and compares them.</summary>
    /// <exception cref="ArgumentException">Fewer than two runs.</exception>
    public static ExperimentComparison Of(IReadOnlyList<Run> runs, ComparisonOptions? options = null, Diagnoser? diagnoser = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count < 2)
        {
            throw new ArgumentException($"a comparison needs at least two runs (got {runs.Count})", nameof(runs));
        }

        var d = diagnoser ?? new Diagnoser();
        var diagnoses = new Diagnosis[runs.Count];
        Parallel.For(0, runs.Count, i => diagnoses[i] = d.Diagnose(runs[i]));
        return Of(diagnoses, options);
    }

    /// <summary>Compares runs already diagnosed.</summary>
    /// <exception cref="ArgumentException">Fewer than two diagnoses.</exception>
    public static ExperimentComparison Of(IReadOnlyList<Diagnosis> diagnoses, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        if (diagnoses.Count < 2)
        {
            throw new ArgumentException($"a comparison needs at least two runs (got {diagnoses.Count})", nameof(diagnoses));
        }

        options ??= ComparisonOptions.Default;
        var runs = diagnoses.Select(d => d.Run).ToList();
        var labels = Label(runs);
        var primary = ChoosePrimary(diagnoses);
        var side = RunComparison.Of(runs, k => primary is not null && k == primary.Key ? !primary.GreaterIsBetter : MetricNames.IsLoss(k));
        var ranking = Rank(side, primary);
        var seeds = Weigh(runs, ranking, primary, labels);
        var metrics = Curves(runs, side, primary, options);
        var steadiness = new RunStability[diagnoses.Count];
        Parallel.For(0, diagnoses.Count, i => steadiness[i] = Steadiness(i, diagnoses[i].Run, options.StabilityTail));
        var stability = ImmutableArray.Create(steadiness);
        var findings = Presence(diagnoses);
        var partial = new ExperimentComparison([.. diagnoses], labels, side, primary, ranking, seeds, metrics, stability, findings, []);
        return partial with { Recommendations = Recommend(partial) };
    }

    private static ImmutableArray<string> Label(List<Run> runs)
    {
        var names = runs.Select(r => r.Identity.Name).ToList();
        var labels = names.Select((n, i) => names.Count(x => x == n) == 1 ? n
            : runs[i].Identity.Id != n ? $"{n} ({runs[i].Identity.Id})" : n).ToList();
        return [.. labels.Select((l, i) => labels.Count(x => x == l) == 1 ? l : $"{l} #{(i + 1).ToString(CultureInfo.InvariantCulture)}")];
    }

    /// <summary>The diagnoses' primary metric logged by most runs (on a tie, the one most runs chose, then the first
    /// chosen); without any, the training loss.</summary>
    private static PrimaryMetricChoice? ChoosePrimary(IReadOnlyList<Diagnosis> diagnoses)
    {
        var perRun = diagnoses.Select(d => d.Summary.PrimaryMetric).ToImmutableArray();
        var candidates = perRun.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            var losses = diagnoses.Select(d => new RunView(d.Run).TrainLoss?.Key).OfType<string>().ToList();
            if (losses.Count == 0)
            {
                return null;
            }

            var loss = losses.GroupBy(k => k, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().Key;
            return new PrimaryMetricChoice(loss, false, "training loss (no run logged a validation metric)", perRun, false,
                $"No run logged a validation metric: the runs are ranked by {loss}, which says how well each fit the training data, not how well it generalises.");
        }

        var key = candidates
            .OrderByDescending(k => diagnoses.Count(d => d.Run.Has(k)))
            .ThenByDescending(k => perRun.Count(p => p == k))
            .First();
        var chooser = diagnoses.First(d => d.Summary.PrimaryMetric == key);
        var agreed = perRun.All(p => p == key);
        string? note = null;
        if (!agreed)
        {
            var has = diagnoses.Count(d => d.Run.Has(key));
            var choices = string.Join(", ", perRun.Select((p, i) => (p, i)).Where(x => x.p != key)
                .Select(x => $"{diagnoses[x.i].Run.Identity.Name}: {x.p ?? "none"}"));
            note = $"The runs' own diagnoses chose different primary metrics ({choices}); all are compared on {key}, logged in {has} of {diagnoses.Count} runs.";
        }

        return new PrimaryMetricChoice(key, chooser.Summary.GreaterIsBetter, chooser.Summary.PrimarySource, perRun, agreed, note);
    }

    private static ImmutableArray<RankedRun> Rank(RunComparison side, PrimaryMetricChoice? primary)
    {
        var metric = primary is null ? null : side.Metrics.FirstOrDefault(m => m.Key == primary.Key);
        if (metric is null)
        {
            return [];
        }

        var greater = primary!.GreaterIsBetter;
        var ranked = metric.PerRun.Select((s, i) => (s, i)).Where(x => x.s is not null)
            .OrderBy(x => greater ? -x.s!.Best : x.s!.Best).ThenBy(x => x.i).ToList();
        if (ranked.Count == 0)
        {
            return [];
        }

        var best = ranked[0].s!.Best;
        return [.. ranked.Select((x, r) => new RankedRun(x.i, r + 1, x.s!, greater ? best - x.s!.Best : x.s!.Best - best))];
    }

    private static string Settings(Run run, IReadOnlyList<string> keys) =>
        string.Join("\u0001", keys.Select(k => k + "=" + (run.Config.Get(k)?.Text ?? "\u0002")));

    private static SeedComparison Weigh(List<Run> runs, ImmutableArray<RankedRun> ranking, PrimaryMetricChoice? primary, ImmutableArray<string> labels)
    {
        var seedKeys = runs.SelectMany(r => r.Config.Values.Keys).Where(ConfigKeys.IsSeed).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var settingKeys = runs.SelectMany(r => r.Config.Values.Keys).Where(ConfigKeys.IsSetting).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (primary is null || ranking.Length < 2)
        {
            var why = primary is null ? "No run has a primary metric: nothing to rank." : $"Fewer than two runs have {primary.Key}: nothing to weigh.";
            return new SeedComparison(SeedVerdict.NotApplicable, seedKeys, [], null, null, null, why);
        }

        var greater = primary.GreaterIsBetter;
        var value = ranking.ToDictionary(r => r.Run, r => r.Primary.Best);
        // Runs whose settings were not logged cannot be said to share a configuration: each is a group of its own.
        var groups = ranking.OrderBy(r => r.Run)
            .GroupBy(r => runs[r.Run].Config.Values.Keys.Any(ConfigKeys.IsSetting) ? Settings(runs[r.Run], settingKeys) : "\u0003" + r.Run.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .Select(g =>
            {
                var members = g.Select(r => r.Run).ToImmutableArray();
                var values = members.Select(i => value[i]).ToImmutableArray();
                var agg = values.Length > 1 ? Evaluation.SeedAggregate.Aggregate(values) : null;
                var seedsDiffer = members.Length > 1 && members.Select(i => Settings(runs[i], seedKeys)).Distinct(StringComparer.Ordinal).Count() > 1
                    && seedKeys.Length > 0;
                return new ConfigGroup(members, values, agg?.Mean ?? values[0], agg?.Std, values.Min(), values.Max(), seedsDiffer);
            })
            .OrderBy(g => greater ? -g.Mean : g.Mean).ThenBy(g => g.Runs[0])
            .ToImmutableArray();

        var seeded = groups.Where(g => g.SeedsDiffer).ToList();
        double? pooled = null;
        if (seeded.Count > 0)
        {
            var dof = seeded.Sum(g => g.Runs.Length - 1);
            pooled = Math.Sqrt(seeded.Sum(g => (g.Runs.Length - 1) * g.Std!.Value * g.Std.Value) / dof);
        }

        var key = primary.Key;
        if (groups.Length == 1)
        {
            var g = groups[0];
            var message = g.SeedsDiffer
                ? $"All {g.Runs.Length} ranked runs share one configuration and differ only by seed: {key} spreads {F(g.Min)}–{F(g.Max)} (std {F(g.Std ?? 0)}); that spread is seed noise."
                : $"All {g.Runs.Length} ranked runs have the same settings and no differing seed: their differences are run-to-run noise.";
            return new SeedComparison(SeedVerdict.OneConfiguration, seedKeys, groups, pooled, null, null, message);
        }

        var first = groups[0];
        var second = groups[1];
        var margin = Math.Abs(first.Mean - second.Mean);
        var names = $"{Members(first, labels)} vs {Members(second, labels)}";
        if (pooled is not { } s)
        {
            return new SeedComparison(SeedVerdict.SeedsUnknown, seedKeys, groups, null, margin, null,
                $"Seeds unknown: no configuration was run with several seeds, so whether the best configuration's margin of {F(margin)} on {key} ({names}) is more than seed noise cannot be told.");
        }

        var noise = 2 * s * Math.Sqrt((1.0 / first.Runs.Length) + (1.0 / second.Runs.Length));
        var beyond = margin > noise;
        return new SeedComparison(beyond ? SeedVerdict.BeyondSeedNoise : SeedVerdict.WithinSeedNoise, seedKeys, groups, s, margin, noise,
            beyond
                ? $"The best configuration leads by {F(margin)} on {key} ({names}), more than seed noise (±{F(noise)} from a seed std of {F(s)})."
                : $"The best configuration leads by {F(margin)} on {key} ({names}), within seed noise (±{F(noise)} from a seed std of {F(s)}).");
    }

    private static string Members(ConfigGroup g, ImmutableArray<string> labels) =>
        g.Runs.Length == 1 ? labels[g.Runs[0]] : "{" + string.Join(", ", g.Runs.Select(i => labels[i])) + "}";

    private static ImmutableArray<MetricCurves> Curves(List<Run> runs, RunComparison side, PrimaryMetricChoice? primary, ComparisonOptions options)
    {
        var result = ImmutableArray.CreateBuilder<MetricCurves>(side.Metrics.Length);
        foreach (var m in side.Metrics)
        {
            var greater = !m.LowerIsBetter;
            var present = m.PerRun.OfType<MetricSummary>().ToList();
            var given = primary is not null && m.Key == primary.Key && options.Target is not null;
            // The learning rate and the gradient norm are settings and readings, not scores: no value of theirs is a target.
            var scored = m.Key is not (MetricNames.LearningRate or MetricNames.GradNorm);
            double? target = given ? options.Target
                : present.Count == 0 || !scored ? null
                : greater ? present.Min(s => s.Best) : present.Max(s => s.Best);
            long? common = present.Count == 0 ? null : present.Min(s => s.FinalStep);
            var per = ImmutableArray.CreateBuilder<CurveSummary?>(runs.Count);
            for (var i = 0; i < runs.Count; i++)
            {
                per.Add(m.PerRun[i] is { } summary ? Curve(runs[i].Get(m.Key)!, summary, greater, target, common) : null);
            }

            result.Add(new MetricCurves(m.Key, greater, target, given, common, per.MoveToImmutable()));
        }

        return result.MoveToImmutable();
    }

    /// <summary>The first step at least as good as the target (a forward scan of the shared value array), and the last
    /// finite value at or before the common step (a backward scan).</summary>
    private static CurveSummary Curve(Series series, MetricSummary summary, bool greater, double? target, long? common)
    {
        var values = SeriesValues.Of(series);
        long? reached = null;
        if (target is { } t)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var v = values[i];
                if (double.IsFinite(v) && (greater ? v >= t : v <= t))
                {
                    reached = series.Points[i].Step;
                    break;
                }
            }
        }

        double? atCommon = null;
        if (common is { } c)
        {
            var points = series.Points.AsSpan();
            for (var i = values.Length - 1; i >= 0; i--)
            {
                if (double.IsFinite(values[i]) && points[i].Step <= c)
                {
                    atCommon = values[i];
                    break;
                }
            }
        }

        return new CurveSummary(summary, series.Count, reached, atCommon);
    }

    private static RunStability Steadiness(int index, Run run, double tail)
    {
        var view = new RunView(run);
        string? lossKey = null;
        double? std = null;
        long? from = null;
        var points = 0;
        var nonFinite = 0;
        if (view.TrainLoss is { Count: > 0 } loss)
        {
            lossKey = loss.Key;
            var v = SeriesValues.Of(loss);
            nonFinite = SeriesMath.CountNonFinite(v);
            var take = Math.Min(v.Length, Math.Max(2, (int)Math.Ceiling(v.Length * tail)));
            var start = v.Length - take;
            from = loss.Points[start].Step;
            var sum = 0.0;
            foreach (var x in v.AsSpan(start))
            {
                if (double.IsFinite(x))
                {
                    sum += x;
                    points++;
                }
            }

            if (points >= 2)
            {
                var mean = sum / points;
                var ss = 0.0;
                foreach (var x in v.AsSpan(start))
                {
                    if (double.IsFinite(x))
                    {
                        ss += (x - mean) * (x - mean);
                    }
                }

                std = Math.Sqrt(ss / (points - 1));
            }
        }

        double? median = null, max = null;
        if (view.GradNorm is { Count: > 0 } grad)
        {
            var g = SeriesValues.Of(grad);
            var m = SeriesMath.Median(g);
            if (double.IsFinite(m))
            {
                median = m;
                var top = double.NegativeInfinity;
                foreach (var x in g)
                {
                    if (double.IsFinite(x) && x > top)
                    {
                        top = x;
                    }
                }

                max = top;
            }
        }

        return new RunStability(index, lossKey, std, from, points, nonFinite, median, max);
    }

    private static ImmutableArray<string> SeriesOf(Finding f) =>
        !f.SeriesKeys.IsEmpty ? [.. f.SeriesKeys]
        : f.Evidence is ISeriesEvidence { Series: { Length: > 0 } s } ? [s]
        : f.Evidence is Rules.AcrossRuns.SeedVarianceEvidence { Metric: { Length: > 0 } m } ? [m]
        : [];

    private static ImmutableArray<FindingPresence> Presence(IReadOnlyList<Diagnosis> diagnoses)
    {
        var byKey = new Dictionary<string, (Finding First, ImmutableArray<string> Series, SortedSet<int> Runs)>(StringComparer.Ordinal);
        for (var i = 0; i < diagnoses.Count; i++)
        {
            foreach (var f in diagnoses[i].Findings)
            {
                var series = SeriesOf(f);
                var key = f.RuleId + "\u0001" + string.Join("\u0001", series);
                if (!byKey.TryGetValue(key, out var entry))
                {
                    byKey[key] = (f, series, [i]);
                }
                else
                {
                    entry.Runs.Add(i);
                    if (f.Severity > entry.First.Severity)
                    {
                        byKey[key] = (f, series, entry.Runs);
                    }
                }
            }
        }

        return [.. byKey.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new FindingPresence(kv.Value.First.RuleId, kv.Value.First.Rule, kv.Value.Series, [.. kv.Value.Runs], kv.Value.First.Severity, kv.Value.First.Title))];
    }

    private static ImmutableArray<ComparisonRecommendation> Recommend(ExperimentComparison c)
    {
        var n = c.Diagnoses.Length;
        var runs = c.Diagnoses.Select(d => d.Run).ToList();
        var settings = c.Config.Where(d => ConfigKeys.IsSetting(d.Key)).ToList();
        var result = new List<ComparisonRecommendation>();

        // The settings in which one run differs from every other run (a key the run lacks counts too).
        List<ConfigDifference> Distinct(int run) =>
            [.. settings.Where(d => d.Values.Where((v, j) => j != run).All(v => v != d.Values[run]))];

        // Named only when one or two keys set it apart, each set in this run.
        bool Nameable(int run, List<ConfigDifference> keys) => keys.Count is >= 1 and <= 2 && keys.All(k => k.Values[run] is not null);

        string Describe(int run, List<ConfigDifference> keys) => Nameable(run, keys)
            ? $"The run with {string.Join(" and ", keys.Select(k => $"{k.Key}={k.Values[run]}"))} ({c.Labels[run]})"
            : $"Run {c.Labels[run]}";

        // The value most other runs have (the first run's on a tie).
        ConfigValue? Others(string key, int run) => runs.Where((_, j) => j != run).Select(r => r.Config.Get(key))
            .GroupBy(v => v?.Text, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First().First();

        var serious = c.Findings.Where(f => f.Severity >= Severity.Warning).ToList();

        // Whether a run has a problem after all: the same rule on another series or below warning, or the cause the
        // problem belongs to in the runs that show it (a run whose rising loss is put down to its learning rate is not
        // "without lr-too-high" because that rule stayed silent on it).
        bool Has(int run, FindingPresence problem)
        {
            var d = c.Diagnoses[run];
            if (d.Findings.Any(f => f.Rule == problem.Rule))
            {
                return true;
            }

            var causes = problem.Runs.SelectMany(i => c.Diagnoses[i].RootCauses.Where(rc => rc.Rules.Contains(problem.Rule)).Select(rc => rc.Id)).ToHashSet(StringComparer.Ordinal);
            return d.RootCauses.Any(rc => causes.Contains(rc.Id));
        }

        // Problems every other run has, grouped by the one run without them.
        foreach (var group in serious.Where(f => f.Runs.Length == n - 1)
                     .GroupBy(f => Enumerable.Range(0, n).First(i => !f.Runs.Contains(i))).OrderBy(g => g.Key))
        {
            var without = group.Key;
            var really = group.Where(f => !Has(without, f)).ToList();
            if (really.Count == 0)
            {
                continue;
            }

            var problems = string.Join(", ", really.Select(Problem));
            var keys = Distinct(without);
            var who = Describe(without, keys);
            string action;
            ImmutableArray<ConfigChange> changes = [];
            if (Nameable(without, keys))
            {
                action = $"{who} is the only one without {problems}: try {string.Join(", ", keys.Select(k => $"{k.Key}={k.Values[without]}"))} in the others.";
                changes = [.. keys.Select(k => new ConfigChange(k.Key, Others(k.Key, without), runs[without].Config.Get(k.Key)!.Value))];
            }
            else if (keys.Count == 0)
            {
                action = $"{who} is the only one without {problems}, yet no logged setting sets it apart: the difference may come from the seed, the data order or settings that were not logged.";
            }
            else
            {
                action = $"{who} is the only one without {problems}; its settings differ in {keys.Count} keys ({string.Join(", ", keys.Take(5).Select(k => k.Key))}{(keys.Count > 5 ? ", …" : "")}): change them one at a time to find the one that matters.";
            }

            result.Add(new ComparisonRecommendation("only-run-without", action, [without], changes));
        }

        // Problems no other run has, grouped by the run (with two runs these are the case above, seen from the other side).
        if (n >= 3)
        {
            foreach (var group in serious.Where(f => f.Runs.Length == 1).GroupBy(f => f.Runs[0]).OrderBy(g => g.Key))
            {
                var with = group.Key;
                var really = group.Where(f => !Enumerable.Range(0, n).Any(i => i != with && Has(i, f))).ToList();
                if (really.Count == 0)
                {
                    continue;
                }

                var problems = string.Join(", ", really.Select(Problem));
                var keys = Distinct(with);
                var who = Describe(with, keys);
                var action = Nameable(with, keys)
                    ? $"{who} is the only one with {problems}: avoid {string.Join(", ", keys.Select(k => $"{k.Key}={k.Values[with]}"))}."
                    : $"{who} is the only one with {problems}.";
                ImmutableArray<ConfigChange> changes = Nameable(with, keys)
                    ? [.. keys.Select(k => Others(k.Key, with) is { } to ? new ConfigChange(k.Key, runs[with].Config.Get(k.Key), to) : null).OfType<ConfigChange>()]
                    : [];
                result.Add(new ComparisonRecommendation("only-run-with", action, [with], changes));
            }
        }

        if (c.Ranking.Length >= 2)
        {
            var best = c.Ranking[0].Run;
            var second = c.Ranking[1].Run;
            var tentative = c.Seeds.Verdict is SeedVerdict.WithinSeedNoise or SeedVerdict.SeedsUnknown;
            var own = settings.Where(d => d.Values[best] is not null).ToList();
            // From: the value of the best-ranked run that differs from the best run on that key.
            ConfigValue? From(ConfigDifference d) => c.Ranking.Skip(1).Select(r => r.Run).Where(i => d.Values[i] != d.Values[best])
                .Select(i => runs[i].Config.Get(d.Key)).FirstOrDefault();
            if (own.Count > 0)
            {
                var listed = string.Join(", ", own.Take(8).Select(d => $"{d.Key}={d.Values[best]}")) + (own.Count > 8 ? ", …" : "");
                result.Add(new ComparisonRecommendation("next-config",
                    $"{(tentative ? "Tentatively, start" : "Start")} the next run from the best run's settings ({c.Labels[best]}): {listed}.",
                    [best], [.. own.Select(d => new ConfigChange(d.Key, From(d), runs[best].Config.Get(d.Key)!.Value))]));
            }

            var metric = c.Primary!.Key;
            switch (c.Seeds.Verdict)
            {
                case SeedVerdict.WithinSeedNoise:
                    result.Add(new ComparisonRecommendation("seed-noise",
                        $"The difference between the best two configurations on {metric} ({F(c.Seeds.Margin ?? 0)}) is within seed noise (±{F(c.Seeds.Noise ?? 0)}): run more seeds of both before choosing.",
                        [.. c.Seeds.Groups[0].Runs, .. c.Seeds.Groups[1].Runs], []));
                    break;
                case SeedVerdict.SeedsUnknown:
                    result.Add(new ComparisonRecommendation("more-seeds",
                        $"Seeds unknown: repeat the best two runs ({c.Labels[best]}, {c.Labels[second]}) with two or more other seeds to tell whether a margin of {F(c.Seeds.Margin ?? 0)} on {metric} is real.",
                        [best, second], []));
                    break;
            }

            if (c.Seeds.Groups.FirstOrDefault(g => g.Runs.Contains(best)) is { } group && group.Runs.Contains(second))
            {
                result.Add(new ComparisonRecommendation("same-config",
                    $"The best two runs ({c.Labels[best]}, {c.Labels[second]}) have the same settings{(group.SeedsDiffer ? " and differ only by seed" : "")}: their order on {metric} is noise, not a better configuration.",
                    [best, second], []));
            }
        }

        return [.. result];
    }

    /// <summary>A finding as a noun phrase: <c>loss spikes (train/loss)</c>.</summary>
    private static string Problem(FindingPresence f) =>
        f.Rule.Replace('-', ' ') + (f.Series.IsEmpty ? "" : $" ({string.Join(", ", f.Series)})");

    private static string F(double v) => Format.Number(v);
}
