using Runlens.Analysis.Sweeps;

namespace Runlens.Reports.Impact;

/// <summary>Writes a finished hyperparameter impact analysis in one output format; never computes.</summary>
public interface IImpactRenderer
{
    /// <summary>The <c>--format</c> value, e.g. <c>json</c>.</summary>
    string Format { get; }

    void Render(ImpactAnalysis analysis, Stream output);
}
