using System.Text.Json;
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
    public void A_large_sample_drawn_ahead_on_another_core_gets_each_resamples_own_random_sequence()
    {
        // 60,000 examples: each next resample is drawn while the current one is measured; resample r's draws must still be
        // ResampleGenerator(seed, r)'s sequence
        const int n = 60_000;
        const int resamples = 5;
        var seen = new List<long>();
        Bootstrap.Interval(n, idx =>
        {
            var sum = 0L;
            foreach (var i in idx)
            {
                sum = (sum * 31) + i;
            }

            seen.Add(sum);
            return 0.0;
        }, resamples, seed: 7);
        var expected = new List<long> { Enumerable.Range(0, n).Aggregate(0L, (s, i) => (s * 31) + i) };
        for (var r = 0; r < resamples; r++)
        {
            var rng = new ResampleGenerator(7, r);
            var sum = 0L;
            for (var i = 0; i < n; i++)
            {
                sum = (sum * 31) + rng.Next(n);
            }

            expected.Add(sum);
        }

        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData(7, 10_003)]
    [InlineData(1_000_000, 100_000)]
    [InlineData(int.MaxValue, 20_001)] // about half of the draws land in the rejection check: the vector blocks give way
    public void A_block_of_draws_is_the_draws_of_Next_one_by_one(int n, int count)
    {
        var one = new ResampleGenerator(12345, 3);
        var expected = Enumerable.Range(0, count).Select(_ => one.Next(n)).ToArray();
        var blocks = new ResampleGenerator(12345, 3);
        var drawn = new int[count];
        // blocks of uneven lengths, as the bootstrap's last block is
        for (var at = 0; at < count; at += 4096)
        {
            blocks.Fill(drawn.AsSpan(at, Math.Min(4096, count - at)), n);
        }

        Assert.Equal(expected, drawn);
        Assert.Equal(one.Next(n), blocks.Next(n)); // the same state after
    }

    [Fact]
    public void Resample_draws_are_uniform_and_differ_between_resamples_and_seeds()
    {
        // 1,000,000 draws below 7: each value about 1/7 of them (a chi-square of 6 degrees of freedom stays under 22.5 at
        // p = 0.001), and the first draws of neighbouring resamples and seeds differ
        var counts = new long[7];
        var g = new ResampleGenerator(12345, 0);
        for (var i = 0; i < 1_000_000; i++)
        {
            counts[g.Next(7)]++;
        }

        var chi2 = counts.Sum(c => Math.Pow(c - (1_000_000 / 7.0), 2) / (1_000_000 / 7.0));
        Assert.InRange(chi2, 0, 22.5);
        static int[] First(int seed, int resample)
        {
            var r = new ResampleGenerator(seed, resample);
            return [.. Enumerable.Range(0, 20).Select(_ => r.Next(1_000_000))];
        }

        Assert.NotEqual(First(12345, 0), First(12345, 1));
        Assert.NotEqual(First(12345, 0), First(12346, 0));
        Assert.Equal(First(12345, 3), First(12345, 3));
        Assert.InRange(new ResampleGenerator(1, 1).Next(int.MaxValue), 0, int.MaxValue - 1);
    }

    [Fact]
    public void Draws_where_the_metric_is_undefined_are_left_out()
    {
        var ci = Bootstrap.Interval(3, idx => idx[0] == 0 ? double.NaN : 1.0, resamples: 300);
        Assert.InRange(ci.Resamples, 150, 250);
        Assert.Equal(1.0, ci.Low);
    }
}

public sealed class LabelBootstrapTests
{
    [Fact]
    public void The_intervals_are_distributed_as_numpy_resampling_and_scikit_learn_metrics_give_them()
    {
        // tests/fixtures/oracles/sklearn/bootstrap.json (make_bootstrap.py): over 400 seeds of 200 resamples each, the mean
        // and standard deviation of each interval's ends by numpy's resampling of the examples; the same here, each resample
        // drawn as its confusion counts. Means within 4.5 standard errors of their difference, deviations within 25%.
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "sklearn", "bootstrap.json"))));
        var seeds = doc.RootElement.GetProperty("seeds").GetInt32();
        var resamples = doc.RootElement.GetProperty("resamples").GetInt32();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var truth = c.GetProperty("y_true").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var predicted = c.GetProperty("y_pred").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var classes = c.GetProperty("n_classes").GetInt32();
            var runs = Enumerable.Range(0, seeds)
                .Select(seed => LabelBootstrap.Intervals(truth, predicted, classes, resamples, seed)).ToArray();
            foreach (var metric in c.GetProperty("intervals").EnumerateObject())
            {
                foreach (var end in new[] { "low", "high" })
                {
                    var ours = runs.Select(r => end == "low" ? r[metric.Name].Low : r[metric.Name].High).ToArray();
                    var mean = ours.Average();
                    var sd = Math.Sqrt(ours.Sum(v => (v - mean) * (v - mean)) / (ours.Length - 1));
                    var theirMean = metric.Value.GetProperty(end + "_mean").GetDouble();
                    var theirSd = metric.Value.GetProperty(end + "_sd").GetDouble();
                    var se = Math.Sqrt(((sd * sd) + (theirSd * theirSd)) / seeds);
                    var where = $"{c.GetProperty("name").GetString()} {metric.Name} {end}: mean {mean} sd {sd}, numpy {theirMean} sd {theirSd}";
                    Assert.True(Math.Abs(mean - theirMean) <= 4.5 * se, where);
                    Assert.True(Math.Abs(sd - theirSd) <= 0.25 * theirSd, where);
                }
            }

            Assert.All(runs, r => Assert.Equal(resamples, r["accuracy"].Resamples));
        }
    }

    [Theory]
    [InlineData(20, 0.3)] // inversion
    [InlineData(1000, 0.004)] // inversion, n·p = 4
    [InlineData(1000, 0.3)] // BTRS
    [InlineData(1000, 0.97)] // BTRS for 1 - p, n·(1 - p) = 30
    [InlineData(1_000_000, 0.1)] // BTRS, a bootstrap cell of a million examples
    [InlineData(1_000_000, 0.99999)] // inversion for 1 - p
    public void Binomial_draws_follow_the_binomial_distribution(int n, double p)
    {
        // 200,000 draws against the binomial probabilities (computed here from log-gamma by Lanczos, independently of the
        // sampler's Stirling series): a chi-square over bins of expected count ≥ 20 (the tails pooled), below its 0.999
        // quantile; and the mean and variance within 5 standard errors
        const int draws = 200_000;
        var rng = new ResampleGenerator(99, 1);
        var seen = new Dictionary<int, int>();
        double sum = 0, sumSq = 0;
        for (var i = 0; i < draws; i++)
        {
            var k = Binomial.Sample(ref rng, n, p);
            Assert.InRange(k, 0, n);
            seen[k] = seen.GetValueOrDefault(k) + 1;
            // about the expected mean, so that the squares of draws near a million do not swamp the variance
            sum += k - (n * p);
            sumSq += (k - (n * p)) * (k - (n * p));
        }

        var mean = n * p;
        var variance = n * p * (1 - p);
        Assert.InRange(mean + (sum / draws), mean - (5 * Math.Sqrt(variance / draws)), mean + (5 * Math.Sqrt(variance / draws)));
        var sampleVariance = (sumSq / draws) - ((sum / draws) * (sum / draws));
        // the sample variance's relative standard error: √((2 + excess kurtosis) / draws), the binomial's excess kurtosis
        // (1 − 6pq) / npq
        var relative = Math.Sqrt((2 + ((1 - (6 * p * (1 - p))) / variance)) / draws);
        Assert.InRange(sampleVariance, variance * (1 - (5 * relative)), variance * (1 + (5 * relative)));
        // bins: each k from the mode outwards while its expected count is ≥ 20; the two tails pooled
        var sd = Math.Sqrt(variance);
        int lo = (int)Math.Max(0, Math.Floor(mean - (12 * sd) - 2)), hi = (int)Math.Min(n, Math.Ceiling(mean + (12 * sd) + 2));
        var expected = new List<double>();
        var observed = new List<double>();
        double tailO = 0;
        for (var k = lo; k <= hi; k++)
        {
            var e = draws * Math.Exp(LogChoose(n, k) + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p)));
            var o = seen.GetValueOrDefault(k);
            if (e >= 20)
            {
                expected.Add(e);
                observed.Add(o);
            }
            else
            {
                tailO += o;
            }
        }

        var outside = draws - seen.Where(kv => kv.Key >= lo && kv.Key <= hi).Sum(kv => kv.Value);
        tailO += outside;
        expected.Add(draws - expected.Sum()); // the whole remaining mass, the tails pooled
        observed.Add(tailO);
        var chi2 = expected.Zip(observed, (e, o) => e > 0 ? (o - e) * (o - e) / e : 0).Sum();
        var dof = expected.Count - 1;
        // the chi-square's 0.999 quantile by Wilson–Hilferty
        var z = 3.09;
        var bound = dof * Math.Pow(1 - (2.0 / (9 * dof)) + (z * Math.Sqrt(2.0 / (9 * dof))), 3);
        Assert.True(chi2 < bound, $"chi2 {chi2} over {dof} degrees of freedom (bound {bound})");
    }

    [Fact]
    public void A_multinomial_draw_sums_to_n_and_leaves_empty_cells_empty()
    {
        var rng = new ResampleGenerator(5, 0);
        long[] weights = [0, 30, 0, 60, 10, 0];
        var counts = new long[weights.Length];
        var totals = new long[weights.Length];
        for (var r = 0; r < 2000; r++)
        {
            Binomial.Multinomial(ref rng, 1000, weights, counts);
            Assert.Equal(1000, counts.Sum());
            for (var c = 0; c < counts.Length; c++)
            {
                totals[c] += counts[c];
            }
        }

        Assert.Equal([0L, 0, 0], new[] { totals[0], totals[2], totals[5] });
        // each cell's mean within 5 standard errors of n × its share (2,000 draws of 1,000)
        foreach (var (c, share) in new[] { (1, 0.3), (3, 0.6), (4, 0.1) })
        {
            var se = Math.Sqrt(1000 * share * (1 - share) / 2000);
            Assert.InRange(totals[c] / 2000.0, (1000 * share) - (5 * se), (1000 * share) + (5 * se));
        }
    }

    /// <summary>ln C(n, k) from log-gamma (Lanczos, g = 7, n = 9 coefficients).</summary>
    private static double LogChoose(int n, int k) => LogGamma(n + 1.0) - LogGamma(k + 1.0) - LogGamma(n - k + 1.0);

    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        var a = g[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += g[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    [Fact]
    public void The_accuracy_interval_has_the_width_theory_gives_and_is_the_same_on_every_call()
    {
        // 10,000 examples, 80% right: a 95% interval about 2 × 1.96 × √(0.8 × 0.2 / 10,000) = 0.0157 wide
        var rng = new Random(5);
        var truth = Enumerable.Range(0, 10_000).Select(_ => rng.Next(4)).ToArray();
        var predicted = truth.Select(t => rng.NextDouble() < 0.8 ? t : (t + 1) % 4).ToArray();
        var first = LabelBootstrap.Intervals(truth, predicted, 4, resamples: 400);
        Assert.InRange(first["accuracy"].High - first["accuracy"].Low, 0.0137, 0.0177);
        Assert.InRange(first["accuracy"].Estimate, first["accuracy"].Low, first["accuracy"].High);
        var again = LabelBootstrap.Intervals(truth, predicted, 4, resamples: 400);
        Assert.Equal(first["accuracy"], again["accuracy"]);
        Assert.Equal(first["f1_macro"], again["f1_macro"]);
        Assert.Equal(first["balanced_accuracy"], again["balanced_accuracy"]);
    }
}

public sealed class ExampleSamplesTests
{
    [Fact]
    public void The_least_sure_examples_come_first_and_samples_are_spread_over_the_file()
    {
        var set = new Runlens.Model.Predictions.PredictionSet
        {
            Source = "p.csv",
            Classes = ["a", "b"],
            ExampleIds = ["e1", "e2", "e3", "e4"],
            Lines = [2, 3, 4, 5],
            TrueIndices = [0, 1, 0, 1],
            PredictedIndices = [0, 1, 1, 1],
            Probabilities = [0.9, 0.1, 0.45, 0.55, 0.4, 0.6, 0.01, 0.99],
        };
        var s = ExampleSamples.Of(set, count: 2);
        Assert.Equal(["e2", "e3"], s.HighestEntropy.Select(e => e.Id));
        Assert.Equal(0.55, s.HighestEntropy[0].Confidence);
        Assert.Equal(["e3"], s.Incorrect.Select(e => e.Id));
        Assert.Equal(2, s.Correct.Length);
    }

    [Fact]
    public void The_samples_are_evenly_spaced_over_the_correct_and_the_incorrect_examples()
    {
        // 30 examples, every third wrong: 20 correct and 10 incorrect; 4 of each, the j-th at position j·total/4 among them
        var truth = Enumerable.Range(0, 30).Select(i => i % 2).ToArray();
        var predicted = truth.Select((t, i) => i % 3 == 2 ? 1 - t : t).ToArray();
        var set = new Runlens.Model.Predictions.PredictionSet
        {
            Source = "p.csv",
            Classes = ["a", "b"],
            ExampleIds = [.. Enumerable.Range(0, 30).Select(i => $"e{i}")],
            Lines = [.. Enumerable.Range(2, 30)],
            TrueIndices = [.. truth],
            PredictedIndices = [.. predicted],
        };
        var s = ExampleSamples.Of(set, count: 4);
        var correct = Enumerable.Range(0, 30).Where(i => i % 3 != 2).ToList();
        var incorrect = Enumerable.Range(0, 30).Where(i => i % 3 == 2).ToList();
        Assert.Equal(new[] { 0, 5, 10, 15 }.Select(j => $"e{correct[j]}"), s.Correct.Select(e => e.Id));
        Assert.Equal(new[] { 0, 2, 5, 7 }.Select(j => $"e{incorrect[j]}"), s.Incorrect.Select(e => e.Id));
    }
}
