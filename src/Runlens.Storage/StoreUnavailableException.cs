namespace Runlens.Storage;

/// <summary>
/// A store that cannot be opened: a folder, a file that is not a Runlens store, one that cannot be read, one that is
/// missing where it must exist, a database server that does not answer. The message is one line that starts with the
/// store and says what to do.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
