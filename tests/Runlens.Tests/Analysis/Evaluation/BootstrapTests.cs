using Runlens.Analysis.Evaluation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Evaluation;

public sealed class BootstrapTests
{
    [Fact]
    public void Percentiles_interpolate_linearly_as_numpy_does()
    {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) = [1.075, 3.925]
        Assert.Equal(1.075, Bootstrap.Percentile([1.0, 2, 3, 4], 2.5), 12);
        Assert.Equal(3.925, Bootstrap.Percentile([1.0, 2, 3, 4], 97.5), 12);
    }

    [Fact]
    public void The_interval_of_a_mean_has_the_width_theory_gives()
    {
        // Mean of 400 standard-normal values: a 95% interval about 2 × 1.96 / √400 = 0.196 wide.
        var x = RunBuilder.Noise(400, 1.0, 3);
        var ci = Bootstrap.Interval(x.Length, idx =>
        {
            var s = 0.0;
            foreach (var i in idx)
            {
                s += x[i];
            }

            return s / idx.Length;
        }, resamples: 2000);
        Assert.InRange(ci.High - ci.Low, 0.17, 0.22);
        Assert.InRange(ci.Estimate, ci.Low, ci.High);
        Assert.Equal(2000, ci.Resamples);
    }

    [Fact]
    public void Draws_where_the_metric_is_undefined_are_left_out()
    {
        var ci = Bootstrap.Interval(3, idx => idx[0] == 0 ? double.NaN : 1.0, resamples: 300);
        Assert.InRange(ci.Resamples, 150, 250);
        Assert.Equal(1.0, ci.Low);
    }
}
