using System.Globalization;

namespace Runlens.Agent.Goals;

/// <summary>The structured part of a goal: reach <paramref name="Threshold"/> on <paramref name="Metric"/> (a metric of
/// <c>runlens evaluate</c>: <c>f1_macro</c>, <c>accuracy</c>, <c>log_loss</c>, …), judged on the mean over the seeds or on
/// the pessimistic bound of their 95% interval.</summary>
public sealed record GoalTarget(string Metric, bool GreaterIsBetter, double Threshold, JudgedOn JudgedOn)
{
    /// <summary>Whether <paramref name="value"/> reaches the threshold in the metric's direction.</summary>
    public bool IsReachedBy(double value) => double.IsFinite(value) && (GreaterIsBetter ? value >= Threshold : value <= Threshold);

    /// <summary>The target in words: "f1_macro ≥ 0.95 (mean over seeds)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric} {(GreaterIsBetter ? "≥" : "≤")} {Threshold:G6} ({(JudgedOn == JudgedOn.Mean ? "mean over seeds" : (GreaterIsBetter ? "lower" : "upper") + " bound of the 95% interval over seeds")})");
}
