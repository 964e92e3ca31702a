using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary><c>runlens.diagnoses/v2</c>: the diagnoses of every run a path holds (an <c>mlruns/</c> tree, a TensorBoard
/// folder with several runs), each a <c>runlens.diagnosis/v2</c> document.</summary>
public sealed record DiagnosesDocument(string Schema, IReadOnlyList<DiagnosisDocument> Runs)
{
    public const string CurrentSchema = Diagnosis.SetSchema;

    public static DiagnosesDocument From(IEnumerable<Diagnosis> diagnoses) => new(CurrentSchema, [.. diagnoses.Select(DiagnosisDocument.From)]);
}
