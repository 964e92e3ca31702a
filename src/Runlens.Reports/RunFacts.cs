using Runlens.Model;

namespace Runlens.Reports;

/// <summary>Facts about a run shown in every report (the trainer's own figure where it recorded one).</summary>
internal static class RunFacts
{
    public static long? GlobalStep(Run run)
    {
        if (run.Trainer.GlobalStep is { } g)
        {
            return g;
        }

        long? max = null;
        foreach (var s in run.Series.Values)
        {
            if (SystemMetrics.IsSystem(s.Key))
            {
                continue; // its steps are seconds, not training steps
            }

            foreach (var p in s.Points)
            {
                if (max is null || p.Step > max)
                {
                    max = p.Step;
                }
            }
        }

        return max;
    }

    public static double? Epochs(Run run)
    {
        if (run.Trainer.Epoch is { } e)
        {
            return e;
        }

        double? max = null;
        foreach (var s in run.Series.Values)
        {
            foreach (var p in s.Points)
            {
                if (double.IsFinite(p.Epoch) && (max is null || p.Epoch > max))
                {
                    max = p.Epoch;
                }
            }
        }

        return max;
    }
}
