using System.Globalization;
using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>
/// A running run that logged nothing for <c>limit</c>. The time of the last point is the caller's
/// <see cref="DetectorInput.LastPointAt"/>; without it, the newest wall time in the run's series; without wall times, the
/// time this detector last saw the number of points change. Not while the run is not running.
/// </summary>
internal sealed class StalledDetector(TimeSpan limit) : IAlertDetector
{
    public const string Key = "stalled";

    private long _observedPoints = -1;
    private DateTimeOffset _observedChangeAt;

    public void Detect(DetectorInput input, List<AlertCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(candidates);
        long points = 0;
        var wall = double.NaN;
        foreach (var s in input.Run.Series.Values)
        {
            points += s.Count;
            if (s.Count > 0 && double.IsFinite(s.Last.WallTime) && !(s.Last.WallTime <= wall))
            {
                wall = s.Last.WallTime;
            }
        }

        if (points != _observedPoints)
        {
            _observedPoints = points;
            _observedChangeAt = input.Now;
        }

        if (!input.Running)
        {
            return;
        }

        var last = input.LastPointAt
            ?? (double.IsFinite(wall) ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(wall * 1000)) : _observedChangeAt);
        var quiet = input.Now - last;
        if (quiet < limit)
        {
            return;
        }

        var lastStep = input.Run.LastStep;
        candidates.Add(AlertCandidate.Of(new Alert(Key, AlertKinds.Stalled, Severity.Warning,
                $"No new points for {Minutes(quiet)}",
                $"The run is still running but logged nothing since {last.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"
                + (lastStep is { } step ? $" (last step {Format.Step(step)})" : "") + $"; the limit is {Minutes(limit)}.",
                null, lastStep, null, null)
            {
                Recommendation = "Check that the trainer is alive: a hang in data loading or a collective (NCCL) wait, a full disk, or a process that died without exiting.",
            }));
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1
        ? Format.Number(Math.Round(t.TotalMinutes, 1)) + " min"
        : Format.Number(Math.Round(t.TotalSeconds)) + " s";
}
