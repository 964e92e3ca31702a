using Runlens.Analysis.Comparison;
using Runlens.Reports.Contracts;

namespace Runlens.Reports.Json;

/// <summary>
/// <c>runlens.comparison/v1</c> (documented field by field in <c>docs/comparison.md</c>): exactly one JSON document,
/// written from <see cref="ComparisonDocument"/> through <see cref="ContractJson"/>.
/// </summary>
public sealed class ComparisonJsonRenderer : IComparisonRenderer
{
    public string Format => "json";

    public void Render(ExperimentComparison comparison, Stream output) =>
        ContractJson.WriteDocument(output, ComparisonDocument.From(comparison), ContractJsonWriter.Write);
}
