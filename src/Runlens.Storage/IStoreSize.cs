namespace Runlens.Storage;

/// <summary>A store that can say how much disk it takes (for <c>runlens serve</c>'s <c>/metrics</c>); a SQLite store is
/// measured by its file instead.</summary>
public interface IStoreSize
{
    /// <summary>Bytes on disk now.</summary>
    Task<long> SizeBytesAsync(CancellationToken cancellationToken = default);
}
