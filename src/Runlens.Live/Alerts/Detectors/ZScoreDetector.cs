using Runlens.Analysis;
using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>
/// One <see cref="ZScoreAlert"/>: of the points that arrived since the previous look, the first whose
/// <c>|value − mean| / std</c> over the previous <see cref="ZScoreAlert.Window"/> finite points (population standard
/// deviation) reaches <see cref="ZScoreAlert.Z"/>, once at least <see cref="ZScoreAlert.MinPoints"/> points are there. A
/// window with no spread makes any different value an outlier. Non-finite values are neither scored nor added to the window.
/// </summary>
internal sealed class ZScoreDetector(ZScoreAlert rule) : IAlertDetector
{
    private readonly SeriesCursor _cursor = new();
    private readonly RollingWindow _window = new(rule.Window);

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
            _window.Clear();
            // Seed the window with the last `Window` finite points before the ones to check.
            var start = from;
            for (var found = 0; start > 0 && found < rule.Window; start--)
            {
                if (double.IsFinite(series.Points[start - 1].Value))
                {
                    found++;
                }
            }

            for (var i = start; i < from; i++)
            {
                if (double.IsFinite(series.Points[i].Value))
                {
                    _window.Push(series.Points[i].Value);
                }
            }
        }

        SeriesPoint? hit = null;
        double hitZ = 0, hitMean = 0, hitStd = 0;
        for (var i = from; i < series.Count; i++)
        {
            var v = series.Points[i].Value;
            if (!double.IsFinite(v))
            {
                continue;
            }

            if (hit is null && _window.Count >= rule.MinPoints)
            {
                var mean = _window.Mean;
                var std = _window.Std;
                var score = std > 0 ? (v - mean) / std : v == mean ? 0 : v > mean ? double.PositiveInfinity : double.NegativeInfinity;
                if (Math.Abs(score) >= rule.Z)
                {
                    hit = series.Points[i];
                    (hitZ, hitMean, hitStd) = (score, mean, std);
                }
            }

            _window.Push(v);
        }

        _cursor.Seen = series.Count;
        if (hit is not { } p)
        {
            return;
        }

        candidates.Add(AlertCandidate.Of(new Alert($"zscore:{rule.Metric}", AlertKinds.ZScore, rule.Severity,
                $"{series.Key} outlier: z = {Format.Number(hitZ)} at step {Format.Step(p.Step)}",
                $"{series.Key} = {Format.Number(p.Value)} at step {Format.Step(p.Step)} is {Format.Number(Math.Abs(hitZ))} standard deviations "
                + $"{(hitZ > 0 ? "above" : "below")} the mean of the previous points ({Format.Number(hitMean)} ± {Format.Number(hitStd)}; limit z = {Format.Number(rule.Z)}).",
                null, p.Step, series.Key, p.Value)
            {
                Recommendation = series.Key == MetricNames.GradNorm
                    ? "A gradient-norm jump often comes before a loss spike: clip gradients (max_grad_norm) or lower the learning rate."
                    : "Look at the batches around that step: a bad batch, a learning-rate change or a logging bug.",
            }));
    }
}
