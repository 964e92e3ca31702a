using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Runlens.Model;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>
/// What a stored run's diagnosis depends on, as cheap facts read from the store: its point count (a live run gains
/// points), status, end time and config; the content hashes of its uploaded predictions; the hash of the rule options;
/// the rule catalogue's version; and the store's revision of the run (raised by every change, events and names too). A diagnosis made under one version is valid for every host while the version is
/// the same, and is made again as soon as any part changes (a re-upload shows at once).
/// </summary>
public sealed record RunVersion(long Points, RunStatus Status, DateTimeOffset? End, string Config, string? Validation, string? Training,
    string Settings, string Catalogue, long? Revision = null)
{
    /// <summary>The version as an opaque token (a short hash of every part), how it is kept with a run and shown with the
    /// runs table's summary: two diagnoses with the same token were made from the same facts.</summary>
    public string Key => HashOf(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Points}|{Status}|{End?.ToUnixTimeMilliseconds()}|{Config}|{Validation}|{Training}|{Settings}|{Catalogue}|{Revision}")));

    /// <summary>A short hash of the bytes (an upload).</summary>
    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    /// <summary>A short hash of a run's config as text pairs (order does not matter).</summary>
    public static string HashOf(IReadOnlyDictionary<string, string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var text = string.Join('\n', pairs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
        return HashOf(Encoding.UTF8.GetBytes(text));
    }
}
