namespace Runlens.Tests.Audit;

/// <summary>A test over the generated audit media; skipped, with the reason, where the generator's tools are missing
/// (test.sh installs them).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class MediaFactAttribute : FactAttribute
{
    public MediaFactAttribute()
    {
        if (AuditMedia.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}
