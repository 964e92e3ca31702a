using Runlens.Analysis.Comparison;
using Runlens.Import;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Comparison;

/// <summary>Comparisons of real logs: the repo's examples and the shared corpus.</summary>
public sealed class RealRunComparisonTests
{
    private static async Task<List<Run>> Import(params string[] paths)
    {
        var runs = new List<Run>();
        foreach (var p in paths)
        {
            runs.AddRange((await ImporterCatalog.ImportAsync(p)).Runs);
        }

        return runs;
    }

    [Fact]
    public async Task Examples_are_ranked_on_validation_loss_and_the_margin_is_the_gap_between_the_best_two()
    {
        var runs = await Import(Fixtures.Example("lightning-csv-mnist-cnn"), Fixtures.Example("keras-csvlogger-brats-unet-lr-plateau"));
        var c = ExperimentComparison.Of(runs);

        Assert.Equal("val/loss", c.Primary!.Key);
        var mnist = runs[0].Get("val/loss")!.Values().Where(double.IsFinite).Min();
        var brats = runs[1].Get("val/loss")!.Values().Where(double.IsFinite).Min();
        Assert.Equal(mnist < brats ? 0 : 1, c.Best!.Run);
        Assert.Equal(Math.Abs(mnist - brats), c.Margin!.Value, 12);
        Assert.Equal(SeedVerdict.SeedsUnknown, c.Seeds.Verdict);
    }

    [SharedFact]
    public async Task The_nan_run_alone_has_divergence_and_the_healthy_run_is_the_only_one_without_it()
    {
        var runs = await Import(Fixtures.Shared("tensorboard-lightning-brain-tumor-healthy"), Fixtures.Shared("tensorboard-lightning-brain-tumor-nan-loss"));
        var c = ExperimentComparison.Of(runs);

        var divergence = Assert.Single(c.Unique, f => f.Rule == "divergence");
        Assert.Equal([1], divergence.Runs.ToArray());
        // Every train/loss value of the NaN run is NaN: it cannot be ranked.
        Assert.Equal([0], c.Ranking.Select(r => r.Run).ToArray());
        Assert.Equal(10, c.Stability[1].NonFiniteLoss);
        var r = Assert.Single(c.Recommendations, r => r.Kind == "only-run-without");
        Assert.Contains("divergence", r.Action, StringComparison.Ordinal);
        // The runs differ in three settings (num_classes, out_channels, dropouts): none is singled out.
        Assert.Contains("differ in 3 keys", r.Action, StringComparison.Ordinal);
    }
}
