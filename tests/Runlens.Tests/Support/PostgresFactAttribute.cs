namespace Runlens.Tests.Support;

/// <summary>A test against the real PostgreSQL that <c>./test.sh</c> starts on 127.0.0.1 (connection string in
/// <c>$RUNLENS_TEST_PG</c>); skipped, with the reason, when the tests run without it.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "RUNLENS_TEST_PG";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"no PostgreSQL: ${Variable} is not set (./test.sh starts one on 127.0.0.1 and sets it)";
        }
    }
}
