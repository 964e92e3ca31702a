using Runlens.Analysis.Comparison;

namespace Runlens.Reports;

/// <summary>Writes a finished comparison of runs in one output format. Renderers never compute: they only render.</summary>
public interface IComparisonRenderer
{
    /// <summary>The <c>--format</c> value, e.g. <c>json</c>.</summary>
    string Format { get; }

    void Render(ExperimentComparison comparison, Stream output);
}
