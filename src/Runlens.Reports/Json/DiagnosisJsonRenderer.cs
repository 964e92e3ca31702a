using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Model;
using Runlens.Reports.Contracts;

namespace Runlens.Reports.Json;

/// <summary>
/// <c>runlens.diagnosis/v2</c> (one run) or <c>runlens.diagnoses/v2</c> (several): exactly one JSON document, written from
/// <see cref="DiagnosisDocument"/> through <see cref="ContractJson"/> (docs/schemas.md).
/// </summary>
public sealed class DiagnosisJsonRenderer : IDiagnosisRenderer
{
    public string Format => "json";

    public void Render(IReadOnlyList<Diagnosis> diagnoses, Stream output)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        if (diagnoses.Count == 1)
        {
            ContractJson.WriteDocument(output, DiagnosisDocument.From(diagnoses[0]), ContractJsonWriter.Write);
        }
        else
        {
            ContractJson.WriteDocument(output, DiagnosesDocument.From(diagnoses), ContractJsonWriter.Write);
        }
    }

    /// <summary>One finding as the diagnosis writes it (for hosts that embed findings in their own lines, e.g. <c>watch --format json</c>).</summary>
    public static void WriteFinding(Utf8JsonWriter w, Finding f) =>
        ContractJsonWriter.Write(w, FindingJson.From(f));

    /// <summary>An event kind as the JSON contracts and the native API name it: <c>import_damage</c>, <c>early_stop</c>, <c>control</c>.</summary>
    public static string EventKind(RunEventKind kind) => EventJson.KindText(kind);
}
