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
    public void Accuracy_interval_equals_the_generic_bootstrap_with_the_same_draws()
    {
        var rng = new Random(21);
        var truth = Enumerable.Range(0, 300).Select(_ => rng.Next(3)).ToArray();
        var predicted = truth.Select(t => rng.NextDouble() < 0.8 ? t : (t + 1) % 3).ToArray();
        var label = LabelBootstrap.Intervals(truth, predicted, 3, resamples: 500);
        var generic = Bootstrap.Interval(truth.Length, idx =>
        {
            var right = 0;
            foreach (var i in idx)
            {
                right += truth[i] == predicted[i] ? 1 : 0;
            }

            return right / (double)idx.Length;
        }, resamples: 500);
        Assert.Equal(generic, label["accuracy"]);
        Assert.InRange(label["f1_macro"].Estimate, label["f1_macro"].Low, label["f1_macro"].High);
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
