using System.Security.Cryptography;
using System.Text;

namespace Runlens.Import;

/// <summary>Stable run ids for formats that have none of their own.</summary>
public static class RunIds
{
    /// <summary>16 hex characters from the SHA-256 of the full path (and an optional discriminator).</summary>
    public static string FromPath(string path, string? discriminator = null)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var text = discriminator is null ? full : full + "\n" + discriminator;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash, 0, 8);
    }
}
