using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>The shape of a per-example check: examples of one kind with a measured value, those past a threshold
/// flagged, worst first, with <see cref="ThresholdEvidence"/>.</summary>
internal abstract class ExampleThresholdCheck : AuditCheck
{
    /// <summary><c>image</c>, <c>audio</c> or <c>text</c>.</summary>
    protected abstract string Kind { get; }

    /// <summary>What is measured, in words (<c>variance of the Laplacian</c>).</summary>
    protected abstract string Measure { get; }

    /// <summary>True when smaller values are worse (blur, size); false when larger are (aspect ratio, tokens).</summary>
    protected abstract bool LowerIsWorse { get; }

    protected abstract string RootCause { get; }

    /// <summary>The measured value, or null when the example is not examined.</summary>
    protected abstract double? Value(AuditExample e, AuditCheckContext c);

    protected abstract double Threshold(AuditCheckContext c);

    protected virtual bool Flags(AuditExample e, double value, double threshold, AuditCheckContext c) => LowerIsWorse ? value < threshold : value > threshold;

    protected abstract string Reason(AuditExample e, double value, double threshold, AuditCheckContext c);

    protected abstract string Title(int count, int examined, double threshold, AuditCheckContext c);

    protected abstract string[] Recommendations(double threshold, AuditCheckContext c);

    protected virtual double Confidence => 0.9;

    internal sealed override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var threshold = Threshold(context);
        var examined = 0;
        var flagged = new List<(AuditExample E, double V)>();
        foreach (var e in context.Data.Examples)
        {
            if (e.Kind != Kind || e.Error is not null || Value(e, context) is not { } v)
            {
                continue;
            }

            examined++;
            if (Flags(e, v, threshold, context))
            {
                flagged.Add((e, v));
            }
        }

        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        if (flagged.Count == 0)
        {
            return AuditCheckContext.Nothing(examined);
        }

        flagged = LowerIsWorse
            ? [.. flagged.OrderBy(f => f.V).ThenBy(f => f.E.Path, StringComparer.Ordinal)]
            : [.. flagged.OrderByDescending(f => f.V).ThenBy(f => f.E.Path, StringComparer.Ordinal)];
        var sorted = flagged.Select(f => f.V).Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        var evidence = new ThresholdEvidence(examined, flagged.Count, Measure, threshold, (double)flagged.Count / examined, flagged[0].V, median);
        var issues = flagged.Select(f => AuditCheckContext.Issue(f.E, Reason(f.E, f.V, threshold, context), f.V) with { Width = f.E.Width, Height = f.E.Height });
        return context.Found(examined, Descriptor.DefaultSeverity, Confidence, Title(flagged.Count, examined, threshold, context), evidence, issues, RootCause,
            Recommendations(threshold, context));
    }

    /// <summary>"12 of 400 images (3%)".</summary>
    protected static string CountOf(int count, int examined, string noun) =>
        $"{count} of {examined} {noun} ({Format.Percent((double)count / examined)})";

    protected static string N(double v) => Format.Number(v);
}
