namespace Runlens.Bench.DiagnosisScoring;

/// <summary>The benchmark's files are missing or unreadable; the message names the file and what to do.</summary>
internal sealed class BenchDataException : Exception
{
    public BenchDataException(string message)
        : base(message)
    {
    }

    public BenchDataException()
    {
    }

    public BenchDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
