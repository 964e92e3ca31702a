namespace Runlens.Tests.Support;

/// <summary>A test that runs a real python3 child process; skipped, with the reason, when python3 is not on PATH.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "python3"))))
        {
            Skip = "no python3 on PATH (apt-get install python3)";
        }
    }
}
