namespace Runlens.Import;

/// <summary>
/// Input that cannot be used. The message reads <c>FILE: LOCATION: CAUSE. HINT</c> so it fits on one line of stderr.
/// </summary>
public sealed class RunImportException : Exception
{
    public RunImportException(string file, string? location, string cause, string hint, Exception? inner = null)
        : base(Compose(file, location, cause, hint), inner)
    {
        File = file;
        Location = location;
        Cause = cause;
        Hint = hint;
    }

    public RunImportException()
        : this("(unknown)", null, "unusable input", "check the file")
    {
    }

    public RunImportException(string message)
        : this("(unknown)", null, message, "check the file")
    {
    }

    public RunImportException(string message, Exception inner)
        : this("(unknown)", null, message, "check the file", inner)
    {
    }

    public string File { get; }

    /// <summary><c>offset N</c>, <c>line N</c>, or null when the whole file is at fault.</summary>
    public string? Location { get; }

    public string Cause { get; }

    /// <summary>What the user can do about it.</summary>
    public string Hint { get; }

    private static string Compose(string file, string? location, string cause, string hint)
    {
        var where = location is null ? file : $"{file}: {location}";
        var c = cause.TrimEnd('.');
        if (string.IsNullOrWhiteSpace(hint))
        {
            return $"{where}: {c}.";
        }

        var h = hint.TrimEnd('.');
        return $"{where}: {c}. {char.ToUpperInvariant(h[0])}{h[1..]}.";
    }
}
