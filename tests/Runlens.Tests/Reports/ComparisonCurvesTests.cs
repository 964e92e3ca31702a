using System.Text;
using Runlens.Analysis.Comparison;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary>compare's curves table lists scores with the direction that is better, never bookkeeping or settings.</summary>
public sealed class ComparisonCurvesTests
{
    private static Runlens.Model.Run Run(string name, double lr) => new RunBuilder().Named(name)
        .Series("train/loss", 10, 2.0, 1.5, 1.2, 1.0, 0.9)
        .Series("val/loss", 10, 2.1, 1.7, 1.4, 1.3, 1.25)
        .Series("val/accuracy", 10, 0.3, 0.5, 0.6, 0.65, 0.66)
        .Series("val/wer", 10, 0.9, 0.7, 0.6, 0.55, 0.5)
        .Series("train/learning_rate", 10, lr, lr, lr, lr, lr)
        .Series("train/epoch", 10, 0.2, 0.4, 0.6, 0.8, 1.0)
        .Series("val/runtime", 10, 12, 12, 13, 12, 12)
        .Series("train/train_samples_per_second", 10, 300, 310, 305, 300, 302)
        .Config("learning_rate", lr)
        .Build();

    [Theory]
    [InlineData("md")]
    [InlineData("text")]
    public void The_curves_table_leaves_out_bookkeeping_and_knows_the_better_direction(string format)
    {
        var comparison = ExperimentComparison.Of([Run("a", 1e-4), Run("b", 3e-4)]);
        using var ms = new MemoryStream();
        ComparisonRenderers.For(format).Render(comparison, ms);
        var text = Encoding.UTF8.GetString(ms.ToArray());
        var curves = text[text.IndexOf("Curves", StringComparison.Ordinal)..text.IndexOf("Stability", StringComparison.Ordinal)];

        Assert.Contains("val/accuracy" + (format == "md" ? "` ↑" : " ↑"), curves, StringComparison.Ordinal);
        Assert.Contains("val/wer" + (format == "md" ? "` ↓" : " ↓"), curves, StringComparison.Ordinal);
        Assert.Contains("val/loss" + (format == "md" ? "` ↓" : " ↓"), curves, StringComparison.Ordinal);
        foreach (var bookkeeping in new[] { "learning_rate", "train/epoch", "runtime", "per_second" })
        {
            Assert.DoesNotContain(bookkeeping, curves, StringComparison.Ordinal);
        }
    }
}
