namespace Runlens.Storage;

/// <summary>A write the store refused; nothing of it was stored.</summary>
public abstract class StoreException : Exception
{
    protected StoreException(string message)
        : base(message)
    {
    }
}
