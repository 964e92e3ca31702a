using Runlens.Model;

namespace Runlens.Analysis;

/// <summary>Which checkpoint holds the weights of a given step.</summary>
public static class Checkpoints
{
    /// <summary>The checkpoint saved at <paramref name="step"/> (the trainer's recorded best one first), or null.</summary>
    public static string? At(Run run, long step)
    {
        if (run.Trainer.BestCheckpoint is { } best && run.Trainer.BestStep == step)
        {
            return best;
        }

        var c = run.Checkpoints.FirstOrDefault(c => c.Step == step);
        if (c is not null)
        {
            return c.Path ?? $"checkpoint-{step}";
        }

        if (run.Trainer.BestCheckpoint is { } named && named.EndsWith("-" + step.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            return named;
        }

        return null;
    }

    /// <summary>The last saved checkpoint at or before <paramref name="step"/>, or null.</summary>
    public static Checkpoint? AtOrBefore(Run run, long step) =>
        run.Checkpoints.Where(c => c.Step <= step).OrderByDescending(c => c.Step).FirstOrDefault();
}
