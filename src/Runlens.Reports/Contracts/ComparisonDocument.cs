using Runlens.Analysis.Comparison;

namespace Runlens.Reports.Contracts;

/// <summary><c>runlens.comparison/v1</c> (docs/comparison.md, field by field): runs named by their unique label.</summary>
public sealed record ComparisonDocument(
    string Schema,
    IReadOnlyList<ComparedRunJson> Runs,
    PrimaryMetricJson? PrimaryMetric,
    IReadOnlyList<RankingJson> Ranking,
    BestRunJson? Best,
    SeedsJson Seeds,
    IReadOnlyList<ConfigDifferenceJson> Config,
    IReadOnlyList<MetricCurvesJson> Metrics,
    IReadOnlyDictionary<string, StabilityJson> Stability,
    FindingGroupsJson Findings,
    IReadOnlyList<ComparisonRecommendationJson> Recommendations)
{
    public const string CurrentSchema = ExperimentComparison.Schema;

    public static ComparisonDocument From(ExperimentComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var labels = c.Labels;
        var runs = new List<ComparedRunJson>();
        for (var i = 0; i < c.Diagnoses.Length; i++)
        {
            var d = c.Diagnoses[i];
            var id = d.Run.Identity;
            runs.Add(new ComparedRunJson(labels[i], id.Id, id.Name, SourceJson.From(id.Source), d.Summary.Status.ToString().ToLowerInvariant(),
                d.Summary.Headline, d.Summary.PrimaryMetric, d.Findings.Length));
        }

        PrimaryMetricJson? primary = null;
        if (c.Primary is { } p)
        {
            var perRun = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < labels.Length; i++)
            {
                perRun[labels[i]] = p.PerRun[i];
            }

            primary = new PrimaryMetricJson(p.Key, p.GreaterIsBetter, p.Source, p.Agreed, perRun, p.Note);
        }

        var best = c.Best is { } b
            ? new BestRunJson(labels[b.Run], c.Primary!.Key, b.Primary.Best, b.Primary.BestStep, c.Ranking.Length > 1 ? labels[c.Ranking[1].Run] : null, c.Margin)
            : null;
        var stability = new Dictionary<string, StabilityJson>(StringComparer.Ordinal);
        foreach (var s in c.Stability)
        {
            stability[labels[s.Run]] = new StabilityJson(s.LossKey, s.LossStd, s.LossStdFromStep, s.LossStdPoints, s.NonFiniteLoss, s.GradNormMedian, s.GradNormMax);
        }

        return new(
            CurrentSchema,
            runs,
            primary,
            [.. c.Ranking.Select(r => new RankingJson(r.Rank, labels[r.Run], new PointJson(r.Primary.BestStep, r.Primary.Best), new PointJson(r.Primary.FinalStep, r.Primary.Final), r.GapToBest))],
            best,
            SeedsOf(c.Seeds, labels),
            [.. c.Config.Select(d => ConfigOf(c, d))],
            [.. c.Metrics.Select(m => Curves(m, labels))],
            stability,
            new FindingGroupsJson(Presence(c.Unique, labels), Presence(c.Common, labels),
                Presence(c.Findings.Where(f => f.Runs.Length > 1 && f.Runs.Length < c.Diagnoses.Length), labels)),
            [.. c.Recommendations.Select(r => new ComparisonRecommendationJson(r.Kind, r.Action, Labels(r.Runs, labels), ConfigChangeJson.Map(r.ConfigChanges)))]);
    }

    private static SeedsJson SeedsOf(SeedComparison s, IReadOnlyList<string> labels) => new(
        s.Verdict switch
        {
            SeedVerdict.SeedsUnknown => "seeds_unknown",
            SeedVerdict.OneConfiguration => "one_configuration",
            SeedVerdict.WithinSeedNoise => "within_seed_noise",
            SeedVerdict.BeyondSeedNoise => "beyond_seed_noise",
            _ => "not_applicable",
        },
        s.Message,
        s.SeedKeys,
        s.Margin,
        s.PooledStd,
        s.Noise,
        [.. s.Groups.Select(g => new SeedGroupJson(Labels(g.Runs, labels), g.Values, g.Mean, g.Std, g.Min, g.Max, g.SeedsDiffer))]);

    private static ConfigDifferenceJson ConfigOf(ExperimentComparison c, ConfigDifference d)
    {
        var values = new Dictionary<string, Model.ConfigValue?>(StringComparer.Ordinal);
        for (var i = 0; i < c.Labels.Length; i++)
        {
            values[c.Labels[i]] = c.Diagnoses[i].Run.Config.Get(d.Key);
        }

        return new ConfigDifferenceJson(d.Key, ConfigKeys.IsSeed(d.Key) ? "seed" : ConfigKeys.IsBookkeeping(d.Key) ? "bookkeeping" : "setting", values);
    }

    private static MetricCurvesJson Curves(MetricCurves m, IReadOnlyList<string> labels)
    {
        var runs = new Dictionary<string, CurveJson?>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            runs[labels[i]] = m.PerRun[i] is { } s
                ? new CurveJson(new PointJson(s.Summary.BestStep, s.Summary.Best), new PointJson(s.Summary.FinalStep, s.Summary.Final), s.TargetStep, s.AtCommonStep, s.Points)
                : null;
        }

        return new MetricCurvesJson(m.Key, m.GreaterIsBetter, m.Target, m.TargetGiven, m.CommonStep, runs);
    }

    private static IReadOnlyList<FindingPresenceJson> Presence(IEnumerable<FindingPresence> findings, IReadOnlyList<string> labels) =>
        [.. findings.Select(f => new FindingPresenceJson(f.Rule, f.RuleId, f.Series, FindingJson.SeverityText(f.Severity), f.Title, Labels(f.Runs, labels)))];

    private static IReadOnlyList<string> Labels(IEnumerable<int> runs, IReadOnlyList<string> labels) => [.. runs.Select(i => labels[i])];
}
