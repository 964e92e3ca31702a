using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports;

/// <summary>Writes finished diagnoses in one output format. Renderers never compute: they only render.</summary>
public interface IDiagnosisRenderer
{
    /// <summary>The <c>--format</c> value, e.g. <c>json</c>.</summary>
    string Format { get; }

    /// <summary>Writes one diagnosis, or a set of them when a path held several runs.</summary>
    void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output);
}
