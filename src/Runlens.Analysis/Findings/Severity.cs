namespace Runlens.Analysis.Findings;

/// <summary>How much a finding matters. Written as <c>info</c>, <c>warning</c>, <c>error</c>.</summary>
public enum Severity
{
    Info = 0,
    Warning = 1,
    Error = 2,
}
