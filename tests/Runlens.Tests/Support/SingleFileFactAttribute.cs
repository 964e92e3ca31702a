namespace Runlens.Tests.Support;

/// <summary>Runs only with <c>RUNLENS_SINGLE_FILE=1</c> (see Install/SingleFileTests.cs).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SingleFileFactAttribute : FactAttribute
{
    public SingleFileFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("RUNLENS_SINGLE_FILE") != "1")
        {
            Skip = "builds the single-file binary (minutes): set RUNLENS_SINGLE_FILE=1 to run it (./test.sh does)";
        }
    }
}
