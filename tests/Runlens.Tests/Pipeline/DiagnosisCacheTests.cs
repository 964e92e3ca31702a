using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Model;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>The server's diagnosis cache holds a bounded number of points whatever the runs look like: full diagnoses
/// and page forms each up to their documented bound, the oldest runs giving way first.</summary>
public sealed class DiagnosisCacheTests
{
    private static readonly Diagnosis Small = new DiagnosisService().Diagnose(new ResolvedRun(
        new RunBuilder().Series("train/loss", 10, 2.0, 1.5, 1.2, 1.0, 0.9, 0.85, 0.8).Build()));

    private static readonly RunVersion Version = new(1, RunStatus.Finished, null, "c", null, null, "s", "k");

    /// <summary>A diagnosis of a run with <paramref name="series"/> series of <paramref name="points"/> points each.</summary>
    private static Diagnosis Wide(int series, int points)
    {
        var steps = Enumerable.Range(0, points).Select(i => new SeriesPoint(i, 1.0 / (1 + i), double.NaN)).ToImmutableArray();
        var all = Enumerable.Range(0, series).Select(k => $"metric/{k:D4}")
            .ToImmutableSortedDictionary(k => k, k => new Series(k, k, steps), StringComparer.Ordinal);
        return Small with { Run = Small.Run with { Series = all } };
    }

    [Fact]
    public void Runs_with_many_series_are_forgotten_oldest_first_once_their_page_forms_pass_the_bound()
    {
        var cache = new DiagnosisCache();
        var wide = Wide(100, 5000); // each series' page form holds at most 2,999 points: 299,900 a run
        for (var i = 0; i < 20; i++)
        {
            cache.Put($"run-{i}", Version, wide);
            Assert.True(cache.PagePoints <= DiagnosisCache.PagePointsKept, $"{cache.PagePoints} page points after {i + 1} runs");
            Assert.True(cache.FullPoints <= DiagnosisCache.FullPointsKept, $"{cache.FullPoints} full points after {i + 1} runs");
        }

        Assert.Equal(DiagnosisCache.PagePointsKept / 299_900, cache.Count);
        Assert.Null(cache.Page("run-0", Version));
        Assert.NotNull(cache.Page("run-19", Version));
        Assert.Equal(StoredDiagnoses.PagePoints, cache.Page("run-19", Version)!.Run.Series["metric/0000"].Count);
    }

    [Fact]
    public void A_run_whose_page_form_alone_passes_the_bound_is_still_kept_as_the_only_one()
    {
        var cache = new DiagnosisCache();
        cache.Put("small", Version, Small);
        cache.Put("huge", Version, Wide(1400, 3000)); // 1,400 × 2,999 page points > 4,000,000

        Assert.Equal(1, cache.Count);
        Assert.Null(cache.Page("small", Version));
        Assert.NotNull(cache.Page("huge", Version));
        Assert.Null(cache.Full("huge", Version)); // 4,200,000 points: only its page form is kept
    }
}
