namespace Runlens.Tests.Audit;

/// <summary>A theory over the generated audit media; skipped, with the reason, where the generator's tools are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class MediaTheoryAttribute : TheoryAttribute
{
    public MediaTheoryAttribute()
    {
        if (AuditMedia.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}
