using Runlens.Analysis.Metrics;

namespace Runlens.Reports.Contracts;

/// <summary>A score averaged three ways, as scikit-learn names them.</summary>
public sealed record AveragedJson(double Macro, double Weighted, double Micro)
{
    public static AveragedJson From(AveragedScore s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Macro, s.Weighted, s.Micro);
    }
}
