namespace Runlens.Live.Alerts;

/// <summary>An alert config that cannot be used. The message reads <c>FILE:LINE:COLUMN: what is wrong; what to do</c>,
/// ready to print as it is (no stack trace needed).</summary>
public sealed class AlertConfigException : FormatException
{
    public AlertConfigException(string file, int line, int column, string cause)
        : base($"{file}:{line}:{column}: {cause}")
    {
        File = file;
        Line = line;
        Column = column;
        Cause = cause;
    }

    public AlertConfigException()
        : this("alerts.yaml", 1, 1, "invalid alert config")
    {
    }

    public AlertConfigException(string message)
        : this("alerts.yaml", 1, 1, message)
    {
    }

    public AlertConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "alerts.yaml";
        Line = 1;
        Column = 1;
        Cause = message;
    }

    /// <summary>The config file's name as it was given.</summary>
    public string File { get; }

    /// <summary>1-based line of the offending node.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending node.</summary>
    public int Column { get; }

    /// <summary>The message without the location.</summary>
    public string Cause { get; }
}
