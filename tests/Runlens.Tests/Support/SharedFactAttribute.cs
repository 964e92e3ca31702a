namespace Runlens.Tests.Support;

/// <summary>A fact over the shared real-log corpus; reported as skipped, with the reason, when the corpus is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (Fixtures.SharedReal is null)
        {
            Skip = Fixtures.SharedMissing;
        }
    }
}

/// <summary>A theory over the shared real-log corpus; skipped, with the reason, when the corpus is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (Fixtures.SharedReal is null)
        {
            Skip = Fixtures.SharedMissing;
        }
    }
}
