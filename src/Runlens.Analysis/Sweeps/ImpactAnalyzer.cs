using System.Collections.Immutable;
using System.Globalization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Sweeps;

/// <summary>
/// Hyperparameter impact over the runs of a sweep: for each config key that varies, its Spearman correlation with the
/// metric (numeric keys), its random-forest permutation importance with the uncertainty over repeated fits (all keys
/// together), and, per level of each categorical key, the rate of every finding. Pure and deterministic (seeded).
/// </summary>
public static class ImpactAnalyzer
{
    /// <summary>The level of runs that do not set a parameter.</summary>
    public const string Unset = "(unset)";

    /// <summary>Below this many runs with the metric, no correlation or forest is computed at all.</summary>
    public const int MinRunsForFigures = 5;

    /// <summary>Diagnoses every run (in parallel, in order) and analyses them.</summary>
    /// <exception cref="ArgumentException">A metric was given that no run logged (the message lists the metrics logged).</exception>
    public static ImpactAnalysis Analyze(IReadOnlyList<Run> runs, ImpactOptions? options = null, Diagnoser? diagnoser = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var d = diagnoser ?? new Diagnoser();
        var diagnoses = runs.AsParallel().AsOrdered().Select(d.Diagnose).ToList();
        return Analyze(diagnoses, options);
    }

    /// <summary>Analyses runs already diagnosed (the findings come from the diagnoses, the config and series from their runs).</summary>
    /// <exception cref="ArgumentException">A metric was given that no run logged (the message lists the metrics logged).</exception>
    public static ImpactAnalysis Analyze(IReadOnlyList<Diagnosis> diagnoses, ImpactOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        var o = options ?? ImpactOptions.Default;
        if (o.Repeats < 2 || o.Trees < 1 || o.HoldOut is <= 0 or >= 1)
        {
            throw new ArgumentException("repeats must be at least 2, trees at least 1 and the hold-out share between 0 and 1", nameof(options));
        }

        var caveats = new List<string>();
        var (metric, source, greater) = ChooseMetric(diagnoses, o.Metric);
        var values = diagnoses.Select(d => metric is null ? null : ValueOf(d.Run, metric, greater, o.Value)).ToArray();
        var withMetric = values.Count(v => v is not null);

        var (parameters, skipped, constant) = Parameters(diagnoses, o);
        var impacts = new List<ParameterImpact>();
        foreach (var p in parameters)
        {
            impacts.Add(Correlate(p, values, metric is not null && withMetric >= MinRunsForFigures, o));
        }

        ForestFit? forest = null;
        var rows = Enumerable.Range(0, diagnoses.Count).Where(i => values[i] is not null).ToArray();
        if (parameters.Count > 0 && rows.Length >= MinRunsForFigures && rows.Select(i => values[i]!.Value).Distinct().Count() > 1)
        {
            var features = rows.Select(i => parameters.Select(p => p.Code(i)).ToArray()).ToList();
            var labels = rows.Select(i => values[i]!.Value).ToList();
            var fit = ForestImportance.Fit(features, labels, o);
            var positive = fit.Importance.Sum(f => Math.Max(0, f.Average()));
            for (var j = 0; j < impacts.Count; j++)
            {
                var per = fit.Importance[j];
                var mean = per.Average();
                impacts[j] = impacts[j] with
                {
                    Importance = new PermutationImportance(mean, Std(per), positive > 0 ? Math.Max(0, mean) / positive : 0, [.. per]),
                };
            }

            forest = new ForestFit(ForestImportance.Library, o.Trees, o.Repeats, fit.TrainRuns, fit.HeldOutRuns, [.. fit.R2],
                "numbers as they are (missing: the median of the runs that set it); categorical values as ordinal codes in sorted order, "
                + Unset + " included", ForestImportance.Measure);
        }

        var rates = FindingRatesOf(diagnoses, parameters, values, o);
        var notable = Contrasts(rates, o);

        if (metric is null)
        {
            caveats.Add("No run has a validation metric to judge by: no correlations or importances, only finding rates.");
        }
        else
        {
            var what = $"{(o.Value == ImpactValue.Best ? "best" : "final")} {metric}";
            if (withMetric < o.MinRuns)
            {
                caveats.Add(withMetric < MinRunsForFigures
                    ? Text($"Only {withMetric} run(s) have a {what}: too few to compute correlations or importances (at least {MinRunsForFigures}; {o.MinRuns} to conclude anything).")
                    : Text($"Only {withMetric} runs have a {what}: too few to conclude anything; treat the correlations and importances as anecdotes (at least {o.MinRuns} runs are needed)."));
            }

            if (withMetric < diagnoses.Count)
            {
                caveats.Add(Text($"{diagnoses.Count - withMetric} of {diagnoses.Count} runs have no finite {what} (diverged, or never evaluated) and are left out of the correlations and the forest; the finding rates include them."));
            }
        }

        if (parameters.Count == 0)
        {
            caveats.Add(diagnoses.Count < 2 ? "A single run: nothing to compare." : "No config key varies across the runs: nothing to compare.");
        }

        if (forest is not null && !(forest.HeldOutR2Mean >= 0.1))
        {
            caveats.Add(Text($"The forest predicts the metric on held-out runs hardly better than its mean (R² {Format.Number(forest.HeldOutR2Mean)}): its importances mean little; the metric may depend on something the config does not record, or the runs are too few."));
        }

        var sorted = impacts
            .OrderByDescending(p => p.Importance?.Mean ?? double.NegativeInfinity)
            .ThenByDescending(p => p.Spearman is { } s ? Math.Abs(s.Rho) : -1)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToImmutableArray();
        return new ImpactAnalysis(metric, source, greater, o.Value, diagnoses.Count, withMetric, constant, sorted, [.. skipped], forest,
            rates, notable, [.. caveats]);
    }

    /// <summary>The series of a run that a metric name means: the key, the normalised name, or the name as logged.</summary>
    public static Series? FindMetric(Run run, string name)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(name);
        return run.Get(name) is { Count: > 0 } s ? s
            : run.Get(MetricNames.Normalize(name)) is { Count: > 0 } n ? n
            : run.Series.Values.FirstOrDefault(x => x.Count > 0 && x.OriginalName == name);
    }

    private static (string? Metric, string Source, bool GreaterIsBetter) ChooseMetric(IReadOnlyList<Diagnosis> diagnoses, string? given)
    {
        if (given is not null)
        {
            var keys = diagnoses.Select(d => FindMetric(d.Run, given)?.Key).OfType<string>().ToList();
            if (keys.Count == 0)
            {
                var logged = diagnoses.SelectMany(d => d.Run.Series.Values.Where(s => s.Count > 0 && !SystemMetrics.IsSystem(s.Key)).Select(s => s.Key))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                throw new ArgumentException(logged.Count == 0
                    ? $"no run logged a metric '{given}' (the runs logged no series at all)"
                    : $"no run logged a metric '{given}'; metrics logged: {string.Join(", ", logged.Take(30))}{(logged.Count > 30 ? ", …" : "")}");
            }

            var key = keys.GroupBy(k => k, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            var asPrimary = diagnoses.Where(d => d.Summary.PrimaryMetric == key).ToList();
            var greater = asPrimary.Count > 0 ? asPrimary.Count(d => d.Summary.GreaterIsBetter) * 2 > asPrimary.Count : !MetricNames.IsLoss(key);
            return (key, Text($"given; logged by {keys.Count} of {diagnoses.Count} runs"), greater);
        }

        var primary = diagnoses.Where(d => d.Summary.PrimaryMetric is not null)
            .GroupBy(d => d.Summary.PrimaryMetric!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (primary is null)
        {
            return (null, "none: no run has a validation metric", false);
        }

        var first = primary.First().Summary;
        return (primary.Key, Text($"the primary metric of {primary.Count()} of {diagnoses.Count} runs ({first.PrimarySource})"),
            primary.Count(d => d.Summary.GreaterIsBetter) * 2 > primary.Count());
    }

    private static double? ValueOf(Run run, string metric, bool greater, ImpactValue which)
    {
        if (FindMetric(run, metric) is not { } series)
        {
            return null;
        }

        if (which == ImpactValue.Final)
        {
            var last = series.Last.Value;
            return double.IsFinite(last) ? last : null;
        }

        var values = SeriesValues.Of(series);
        var b = SeriesMath.ArgBest(values, greater);
        return b >= 0 && double.IsFinite(values[b]) ? values[b] : null;
    }

    private static (List<Param> Kept, List<SkippedParameter> Skipped, int Constant) Parameters(IReadOnlyList<Diagnosis> diagnoses, ImpactOptions o)
    {
        var keys = diagnoses.SelectMany(d => d.Run.Config.Values.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var kept = new List<Param>();
        var skipped = new List<SkippedParameter>();
        var constant = 0;
        foreach (var key in keys)
        {
            var values = diagnoses.Select(d => d.Run.Config.Get(key)).ToArray();
            var set = values.Where(v => v is not null).Select(v => v!.Value).ToList();
            var anyUnset = set.Count < values.Length;
            var distinct = set.Select(v => v.Text).Distinct(StringComparer.Ordinal).Count();
            if (distinct + (anyUnset ? 1 : 0) <= 1)
            {
                constant++;
                continue;
            }

            var numeric = set.All(v => v.Kind == ConfigValueKind.Number);
            if (!numeric && distinct + (anyUnset ? 1 : 0) > o.MaxLevels)
            {
                skipped.Add(new SkippedParameter(key, Text($"{distinct} distinct values: an id, a path or free text, not a level")));
                continue;
            }

            if (!numeric && distinct == set.Count && set.Count >= 4)
            {
                skipped.Add(new SkippedParameter(key, "a different value in every run: an id, a name or a path, not a level"));
                continue;
            }

            kept.Add(new Param(key, numeric, values, distinct, anyUnset));
        }

        return (kept, skipped, constant);
    }

    private static ParameterImpact Correlate(Param p, double?[] metric, bool figures, ImpactOptions o)
    {
        var caveats = new List<string>();
        RankCorrelation? rho = null;
        if (p.Numeric)
        {
            var x = new List<double>();
            var y = new List<double>();
            for (var i = 0; i < metric.Length; i++)
            {
                if (metric[i] is { } m && p.Values[i] is { } v)
                {
                    x.Add(v.Number);
                    y.Add(m);
                }
            }

            var distinctX = x.Distinct().Count();
            if (figures)
            {
                rho = distinctX >= 2 ? Spearman.Of(x, y) : null;
                if (distinctX < 3)
                {
                    caveats.Add(Text($"only {distinctX} distinct value{(distinctX == 1 ? "" : "s")} among the runs with the metric: the rank correlation {(distinctX < 2 ? "is undefined" : "only compares two groups")}"));
                }
            }

            if (p.AnyUnset)
            {
                caveats.Add(Text($"{p.Values.Count(v => v is null)} runs do not set it: left out of the correlation, the median in the forest"));
            }
        }

        return new ParameterImpact(p.Key, p.Numeric ? ParameterKind.Numeric : ParameterKind.Categorical, p.Values.Count(v => v is not null),
            p.Distinct, p.HasLevels(o) ? p.Levels : [], rho, null, [.. caveats]);
    }

    private static ImmutableArray<FindingRates> FindingRatesOf(IReadOnlyList<Diagnosis> diagnoses, List<Param> parameters, double?[] metric, ImpactOptions o)
    {
        var fired = diagnoses.Select(d => d.Findings.Select(f => f.Rule).ToHashSet(StringComparer.Ordinal)).ToArray();
        var rules = diagnoses.SelectMany(d => d.Findings).Select(f => (f.RuleId, f.Rule)).Distinct().OrderBy(r => r.RuleId, StringComparer.Ordinal).ToList();
        var tables = ImmutableArray.CreateBuilder<FindingRates>();
        foreach (var p in parameters)
        {
            if (!p.HasLevels(o))
            {
                continue;
            }

            var levels = ImmutableArray.CreateBuilder<LevelFindings>();
            foreach (var level in p.Levels)
            {
                var members = Enumerable.Range(0, diagnoses.Count).Where(i => p.LevelOf(i) == level).ToList();
                var finite = members.Where(i => metric[i] is not null).Select(i => metric[i]!.Value).ToList();
                var rates = rules.Select(r =>
                {
                    var count = members.Count(i => fired[i].Contains(r.Rule));
                    return new FindingRate(r.Rule, r.RuleId, count, members.Count == 0 ? 0 : count / (double)members.Count);
                });
                levels.Add(new LevelFindings(level, members.Count, finite.Count, finite.Count == 0 ? null : Median(finite), [.. rates]));
            }

            tables.Add(new FindingRates(p.Key, levels.ToImmutable()));
        }

        return tables.ToImmutable();
    }

    private static ImmutableArray<FindingContrast> Contrasts(ImmutableArray<FindingRates> tables, ImpactOptions o)
    {
        var contrasts = new List<FindingContrast>();
        foreach (var t in tables)
        {
            var enough = t.Levels.Where(l => l.Runs >= o.MinRunsPerLevel).ToList();
            if (enough.Count < 2)
            {
                continue;
            }

            for (var r = 0; r < enough[0].Findings.Length; r++)
            {
                var high = enough.OrderByDescending(l => l.Findings[r].Share).First();
                var low = enough.OrderBy(l => l.Findings[r].Share).First();
                var (h, l) = (high.Findings[r], low.Findings[r]);
                if (h.Share - l.Share >= o.NotableDifference - 1e-12)
                {
                    contrasts.Add(new FindingContrast(t.Parameter, h.Rule, h.RuleId, high.Value, high.Runs, h.Share, low.Value, low.Runs, l.Share));
                }
            }
        }

        return [.. contrasts.OrderByDescending(c => c.Difference).ThenBy(c => c.Parameter, StringComparer.Ordinal).ThenBy(c => c.RuleId, StringComparer.Ordinal)];
    }

    private static double Std(double[] v)
    {
        if (v.Length < 2)
        {
            return 0;
        }

        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>One varying config key with its value in every run (null where a run does not set it).</summary>
    private sealed class Param
    {
        private readonly Dictionary<string, float> _codes;
        private readonly float _median;

        public Param(string key, bool numeric, ConfigValue?[] values, int distinct, bool anyUnset)
        {
            Key = key;
            Numeric = numeric;
            Values = values;
            Distinct = distinct;
            AnyUnset = anyUnset;
            var set = values.Where(v => v is not null).Select(v => v!.Value).ToList();
            var texts = numeric
                ? set.DistinctBy(v => v.Text).OrderBy(v => v.Number).ThenBy(v => v.Text, StringComparer.Ordinal).Select(v => v.Text)
                : set.Select(v => v.Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            Levels = [.. texts, .. anyUnset ? [Unset] : Array.Empty<string>()];
            _codes = Levels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => (float)x.i, StringComparer.Ordinal);
            var numbers = set.Where(v => v.Kind == ConfigValueKind.Number).Select(v => v.Number).ToList();
            _median = numeric && numbers.Count > 0 ? (float)Median(numbers) : 0;
        }

        public string Key { get; }

        public bool Numeric { get; }

        public ConfigValue?[] Values { get; }

        public int Distinct { get; }

        public bool AnyUnset { get; }

        /// <summary>Distinct values sorted (numbers by value), then <see cref="Unset"/> when some runs do not set it.</summary>
        public ImmutableArray<string> Levels { get; }

        /// <summary>Whether its values are levels: categorical, or numeric with few values.</summary>
        public bool HasLevels(ImpactOptions o) => !Numeric || Levels.Length <= o.MaxNumericLevels;

        public string LevelOf(int run) => Values[run]?.Text ?? Unset;

        /// <summary>The forest's input: the number itself (the median when unset), or the level's ordinal code.</summary>
        public float Code(int run) => Numeric ? (Values[run] is { } v ? (float)v.Number : _median) : _codes[LevelOf(run)];
    }
}
