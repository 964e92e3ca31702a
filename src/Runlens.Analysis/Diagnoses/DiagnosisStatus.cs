namespace Runlens.Analysis.Diagnoses;

/// <summary>Written as <c>healthy</c>, <c>warning</c>, <c>critical</c>.</summary>
public enum DiagnosisStatus
{
    Healthy,
    Warning,
    Critical,
}
