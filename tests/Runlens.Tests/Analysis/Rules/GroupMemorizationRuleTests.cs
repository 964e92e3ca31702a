using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0306 group-memorization on generated speaker-grouped predictions.</summary>
public sealed class GroupMemorizationRuleTests : RuleTestBase
{
    private static readonly string[] Regions = ["Deep South", "Lower Midwest", "Mid-Atlantic", "New England", "New York", "South Atlantic", "Upper Midwest", "West"];

    private static Run EmptyRun() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(20, 1.6, 0.8, 0.05)).Build();

    /// <summary>Speakers with one region each (or, with <paramref name="mixedLabels"/>, a random region per utterance).
    /// <paramref name="predict"/> gets (rng, speaker's region, utterance label, speaker's fixed guess) and returns the
    /// prediction.</summary>
    private static PredictionContext Speakers(int speakers, int utterances, int seed, Func<Random, int, int, int, int> predict,
        bool mixedLabels = false, string? groupBy = "speaker")
    {
        var rng = new Random(seed);
        var b = new PredictionSetBuilder(Regions);
        for (var s = 0; s < speakers; s++)
        {
            var region = rng.Next(Regions.Length);
            var guess = rng.Next(Regions.Length);
            var n = utterances + rng.Next(-2, 3);
            for (var u = 0; u < n; u++)
            {
                var label = mixedLabels ? rng.Next(Regions.Length) : region;
                b.Add($"spk{s:D2}-utt{u:D2}", label, predict(rng, region, label, guess), null, ("speaker", $"spk{s:D2}"), ("source", "cv"));
            }
        }

        return PredictionContext.Of(b.Build(), new SliceSpec(groupBy, [], null));
    }

    private static int Noisy(Random rng, int value, double noise) => rng.NextDouble() < noise ? rng.Next(Regions.Length) : value;

    [Fact]
    public void Fires_when_speakers_get_one_prediction_each_and_it_is_often_wrong()
    {
        // Seed 001's "memorising speakers": each speaker gets a single region, the right one 40% of the time.
        var ctx = Speakers(60, 8, seed: 2, (rng, region, _, guess) => Noisy(rng, guess % 5 < 2 ? region : guess, 0.01));
        var f = Assert.Single(Findings(EmptyRun(), ctx, "group-memorization"));
        Assert.True(EvidenceOf<GroupMemorizationEvidence>(f).ConsistentGroupFraction > 0.85);
        Assert.Equal(1.0, EvidenceOf<GroupMemorizationEvidence>(f).LabelConsistentGroupFraction);
        Assert.True(EvidenceOf<GroupMemorizationEvidence>(f).ConsistentButWrongFraction > 0.25);
        Assert.Equal("speaker", EvidenceOf<GroupMemorizationEvidence>(f).GroupColumn);
        Assert.True(EvidenceOf<GroupMemorizationEvidence>(f).WorstGroups[0].Examples > 0);
        Assert.Contains("wrong class", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_when_predictions_are_more_uniform_than_mixed_labels()
    {
        // Documents whose examples carry mixed labels, but the model gives each document one class.
        var ctx = Speakers(40, 10, seed: 3, (rng, _, _, guess) => Noisy(rng, guess, 0.005), mixedLabels: true);
        var f = Assert.Single(Findings(EmptyRun(), ctx, "group-memorization"));
        Assert.True(EvidenceOf<GroupMemorizationEvidence>(f).ExcessOverLabels > 0.5);
        Assert.Contains("single label", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Stays_quiet_for_healthy_per_example_predictions()
    {
        // Seed 001's healthy range: the prediction varies within a speaker (correct 60% of the time).
        var ctx = Speakers(60, 8, seed: 4, (rng, region, _, _) => rng.NextDouble() < 0.6 ? region : rng.Next(Regions.Length));
        Assert.Empty(Findings(EmptyRun(), ctx, "group-memorization"));
    }

    [Fact]
    public void Stays_quiet_when_labels_explain_the_consistency()
    {
        // An accurate model on one-region-per-speaker data: consistent, and right.
        var ctx = Speakers(60, 8, seed: 5, (rng, region, _, _) => Noisy(rng, region, 0.005));
        Assert.Empty(Findings(EmptyRun(), ctx, "group-memorization"));
    }

    [Fact]
    public void No_finding_without_a_group_column_or_with_too_few_groups()
    {
        Func<Random, int, int, int, int> memorise = (rng, _, _, guess) => guess;
        Assert.Empty(Findings(EmptyRun(), Speakers(60, 8, seed: 2, memorise, groupBy: null), "group-memorization"));
        Assert.Empty(Findings(EmptyRun(), Speakers(60, 8, seed: 2, memorise, groupBy: "session"), "group-memorization"));
        Assert.Empty(Findings(EmptyRun(), Speakers(4, 8, seed: 2, memorise), "group-memorization"));
        Assert.Single(Findings(EmptyRun(), Speakers(4, 8, seed: 2, memorise), "group-memorization", "group-memorization.min_groups=3"));
    }
}
