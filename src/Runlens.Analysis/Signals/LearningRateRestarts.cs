using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>One restart of a learning-rate schedule: the rate had decayed to <see cref="Low"/> (at index
/// <see cref="LowIndex"/>) from its peak <see cref="Peak"/> and climbed back at index <see cref="ClimbedIndex"/>.</summary>
internal sealed record LearningRateRestart(double Peak, double Low, int LowIndex, int ClimbedIndex)
{
    /// <summary>The first step of the restart: the log after the lowest rate.</summary>
    public long RestartStep(Series lr) => lr.Points[Math.Min(LowIndex + 1, lr.Count - 1)].Step;

    /// <summary>The step by which the rate had climbed back.</summary>
    public long ClimbedStep(Series lr) => lr.Points[ClimbedIndex].Step;
}

/// <summary>Restarts of a learning-rate schedule: the rate decayed to at most <c>decayed</c> × its peak, then climbed back
/// to at least <c>climb</c> × that peak (and at most 1.5×: above is a spike, not a restart), as when a resumed job creates
/// its optimizer and scheduler afresh or a cyclic schedule starts a new cycle.</summary>
internal static class LearningRateRestarts
{
    /// <summary>Defaults shared by the rules that look for restarts (change-point's <c>restart_decayed</c> and
    /// <c>restart_climb</c>).</summary>
    public const double DefaultDecayed = 0.3;

    public const double DefaultClimb = 0.5;

    /// <summary>The restarts in order; after each, the search starts over from the restarted rate as the new peak.</summary>
    public static IEnumerable<LearningRateRestart> Of(Series lr, double decayed, double climb)
    {
        double peak = double.NegativeInfinity, low = double.PositiveInfinity;
        var lowIndex = -1;
        for (var i = 0; i < lr.Count; i++)
        {
            var v = lr.Points[i].Value;
            if (!Finite.Is(v) || v < 0)
            {
                continue;
            }

            if (lowIndex >= 0 && low <= decayed * peak && v >= climb * peak && v <= 1.5 * peak)
            {
                yield return new LearningRateRestart(peak, low, lowIndex, i);
                (peak, low, lowIndex) = (v, double.PositiveInfinity, -1);
                continue;
            }

            if (v > peak)
            {
                peak = v;
                low = double.PositiveInfinity;
                lowIndex = -1;
            }
            else if (v < low)
            {
                low = v;
                lowIndex = i;
            }
        }
    }
}
