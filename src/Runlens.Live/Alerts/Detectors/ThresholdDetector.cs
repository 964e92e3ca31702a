using Runlens.Analysis;
using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>
/// One <see cref="ThresholdAlert"/>: of the points that arrived since the previous look, the first above
/// <see cref="ThresholdAlert.Above"/>, the first below <see cref="ThresholdAlert.Below"/>, and the first more than
/// <see cref="ThresholdAlert.RisePercent"/> worse than the best finite value before it. NaN crosses every limit. The first
/// time the series is seen only its newest point is checked; the older ones feed the best value so far.
/// </summary>
internal sealed class ThresholdDetector(ThresholdAlert rule) : IAlertDetector
{
    private readonly SeriesCursor _cursor = new();
    private bool _lowerIsBetter;

    /// <summary>Best finite value so far, NaN when none.</summary>
    private double _best = double.NaN;

    public void Detect(DetectorInput input, List<AlertCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(candidates);
        if (SeriesLookup.Find(input.Run, rule.Metric) is not { } series)
        {
            return;
        }

        var from = _cursor.Advance(series);
        if (_cursor.Fresh)
        {
            var summary = input.Diagnosis.Summary;
            _lowerIsBetter = rule.Direction switch
            {
                MetricDirection.LowerIsBetter => true,
                MetricDirection.HigherIsBetter => false,
                _ => summary.PrimaryMetric == series.Key ? !summary.GreaterIsBetter : MetricNames.IsLoss(series.Key),
            };
            _best = double.NaN;
            for (var i = 0; i < from; i++)
            {
                Offer(series.Points[i].Value);
            }
        }

        SeriesPoint? above = null, below = null, rise = null;
        var riseBest = double.NaN;
        for (var i = from; i < series.Count; i++)
        {
            var p = series.Points[i];
            var nan = double.IsNaN(p.Value);
            if (rule.Above is { } a && above is null && (nan || p.Value > a))
            {
                above = p;
            }

            if (rule.Below is { } b && below is null && (nan || p.Value < b))
            {
                below = p;
            }

            if (rule.RisePercent is { } r && rise is null && (nan || Worse(p.Value, r)))
            {
                rise = p;
                riseBest = _best;
            }

            Offer(p.Value);
        }

        _cursor.Seen = series.Count;
        var name = series.Key;
        if (above is { } pa)
        {
            candidates.Add(AlertCandidate.Of(new Alert($"threshold:{rule.Metric}:above", AlertKinds.Threshold, rule.Severity,
                $"{name} is above {Format.Number(rule.Above!.Value)}",
                $"{name} = {Format.Number(pa.Value)} at step {Format.Step(pa.Step)}, above the limit {Format.Number(rule.Above.Value)}.",
                null, pa.Step, name, pa.Value) { Recommendation = LimitAdvice(name) }));
        }

        if (below is { } pb)
        {
            candidates.Add(AlertCandidate.Of(new Alert($"threshold:{rule.Metric}:below", AlertKinds.Threshold, rule.Severity,
                $"{name} is below {Format.Number(rule.Below!.Value)}",
                $"{name} = {Format.Number(pb.Value)} at step {Format.Step(pb.Step)}, below the limit {Format.Number(rule.Below.Value)}.",
                null, pb.Step, name, pb.Value) { Recommendation = LimitAdvice(name) }));
        }

        if (rise is { } pr)
        {
            var percent = (_lowerIsBetter ? pr.Value - riseBest : riseBest - pr.Value) / Math.Abs(riseBest) * 100;
            var how = double.IsNaN(pr.Value) ? "not a number" : $"{Format.Number(percent)}% worse than";
            candidates.Add(AlertCandidate.Of(new Alert($"threshold:{rule.Metric}:rise_percent", AlertKinds.Threshold, rule.Severity,
                $"{name} is more than {Format.Number(rule.RisePercent!.Value)}% worse than its best",
                $"{name} = {Format.Number(pr.Value)} at step {Format.Step(pr.Step)} is {how} its best so far, {Format.Number(riseBest)} "
                + $"({(_lowerIsBetter ? "lower" : "higher")} is better; limit {Format.Number(rule.RisePercent.Value)}%).",
                null, pr.Step, name, pr.Value)
            {
                Recommendation = "Compare with the best checkpoint: if it does not recover, stop or roll back to the best checkpoint.",
            }));
        }
    }

    private static string LimitAdvice(string key) => MetricNames.IsLossName(key)
        ? "Look at the learning rate and the data of the last steps; lower the learning rate or roll back if the loss does not come down."
        : "Check the run: the value left the range set in the alert config.";

    private void Offer(double value)
    {
        if (double.IsFinite(value) && (double.IsNaN(_best) || (_lowerIsBetter ? value < _best : value > _best)))
        {
            _best = value;
        }
    }

    private bool Worse(double value, double percent) =>
        !double.IsNaN(_best) && (_lowerIsBetter ? value > _best + Math.Abs(_best) * percent / 100 : value < _best - Math.Abs(_best) * percent / 100);
}
