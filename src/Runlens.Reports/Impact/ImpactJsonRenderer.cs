using Runlens.Analysis.Sweeps;
using Runlens.Reports.Contracts;

namespace Runlens.Reports.Impact;

/// <summary><c>runlens.impact/v1</c> (docs/impact.md): one JSON document, written from <see cref="ImpactDocument"/> through
/// <see cref="ContractJson"/>.</summary>
public sealed class ImpactJsonRenderer : IImpactRenderer
{
    public string Format => "json";

    public void Render(ImpactAnalysis analysis, Stream output) =>
        ContractJson.WriteDocument(output, ImpactDocument.From(analysis), ContractJsonWriter.Write);
}
