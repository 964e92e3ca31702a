namespace Runlens.Audit;

/// <summary>The input cannot be audited at all (no such folder, nothing to audit, an unreadable labels file). Its message
/// is one line naming the path, the cause and what to do.</summary>
public sealed class AuditInputException : Exception
{
    public AuditInputException(string path, string cause, string whatToDo)
        : base($"{path}: {cause}; {whatToDo}")
    {
        File = path;
        Cause = cause;
    }

    public AuditInputException()
    {
        File = "";
        Cause = "";
    }

    public AuditInputException(string message)
        : base(message)
    {
        File = "";
        Cause = message;
    }

    public AuditInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "";
        Cause = message;
    }

    public string File { get; }

    public string Cause { get; }
}
