using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>
/// The loss of a classifier that has learned nothing: ln K, the cross-entropy of a uniform guess over K classes (a freshly
/// initialised classifier starts there). K comes from the config (<c>num_labels</c> and its synonyms), else from the
/// validation predictions' classes, else from the validation loss and accuracy agreeing on a uniform guess: a loss of ln K
/// together with an accuracy of 1/K (each within <see cref="AgreementTolerance"/> of the same integer K) is what a model
/// whose output does not depend on its input shows, and nothing else does.
/// </summary>
/// <param name="Classes">K.</param>
/// <param name="Loss">ln K.</param>
/// <param name="Source">Where K came from: <c>config</c>, <c>predictions</c>, or <c>loss-and-accuracy</c>.</param>
public sealed record ChanceLevel(int Classes, double Loss, string Source)
{
    /// <summary>The config keys that record K, the number of classes (the HF model config's <c>num_labels</c> and its
    /// synonyms), in the order they are read.</summary>
    public static readonly string[] ClassCountKeys = ["model.num_labels", "num_labels", "num_classes", "model.num_classes", "n_classes"];

    /// <summary>How far e^loss and 1/accuracy may lie from the integer K, relative, to count as agreeing on it.</summary>
    public const double AgreementTolerance = 0.1;

    /// <summary>The run's chance level, or null when K is not known.</summary>
    public static ChanceLevel? Of(RunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Run.Config.Number(ClassCountKeys) is { } k && k >= 2 && k == Math.Floor(k))
        {
            return new ChanceLevel((int)k, Math.Log(k), "config");
        }

        if (run.Predictions?.Set?.Classes is { Length: >= 2 } classes)
        {
            return new ChanceLevel(classes.Length, Math.Log(classes.Length), "predictions");
        }

        return FromLossAndAccuracy(run);
    }

    private static ChanceLevel? FromLossAndAccuracy(RunView run)
    {
        var accuracy = run.Run.Series.Values.FirstOrDefault(s => MetricNames.SplitOf(s.Key) == "val" && MetricNames.NameOf(s.Key) == "accuracy");
        if (run.ValLoss is not { Count: >= 3 } loss || accuracy is not { Count: >= 3 })
        {
            return null;
        }

        var fromLoss = Math.Exp(SeriesMath.Median(SeriesValues.Of(loss)));
        var acc = SeriesMath.Median(SeriesValues.Of(accuracy));
        if (!Finite.Is(fromLoss) || !(acc > 0))
        {
            return null;
        }

        var k = Math.Round(fromLoss);
        return k >= 2 && Math.Abs(fromLoss - k) <= AgreementTolerance * k && Math.Abs((1 / acc) - k) <= AgreementTolerance * k
            ? new ChanceLevel((int)k, Math.Log(k), "loss-and-accuracy")
            : null;
    }
}
