using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runlens.Storage.Search;

/// <summary>
/// A run search's page token: base64 of a JSON object, as MLflow's are. MLflow's own hold <c>{"offset": n}</c>; Runlens'
/// also hold where the page before ended (<c>after</c>: each order key's rank and value of its last run, and that run's
/// id) and a digest of the search they belong to, so the next page starts right after that run however many runs were
/// stored meanwhile.
/// </summary>
/// <param name="Offset">Runs before the page the token opens (when it was made).</param>
/// <param name="After">Where the page before ended; null for an <c>{"offset": n}</c> token.</param>
/// <param name="Search">The digest of the search the token belongs to; null for an <c>{"offset": n}</c> token.</param>
internal sealed record SearchPageToken(long Offset, SearchPosition? After, string? Search)
{
    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("offset", Offset);
            if (Search is not null)
            {
                w.WriteString("search", Search);
            }

            if (After is not null)
            {
                w.WriteStartObject("after");
                w.WriteStartArray("keys");
                foreach (var (rank, value) in After.Keys)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(rank);
                    w.WriteStringValue(value);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteString("id", After.Id);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <exception cref="SearchSyntaxException">The text is not a page token.</exception>
    public static SearchPageToken Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(token));
            var root = doc.RootElement;
            var offset = root.GetProperty("offset").GetInt64();
            if (offset < 0)
            {
                throw new FormatException("negative offset");
            }

            if (!root.TryGetProperty("after", out var after))
            {
                return new SearchPageToken(offset, null, null);
            }

            var keys = new List<(int, string?)>();
            foreach (var key in after.GetProperty("keys").EnumerateArray())
            {
                keys.Add((key[0].GetInt32(), key[1].ValueKind == JsonValueKind.Null ? null : key[1].GetString()));
            }

            return new SearchPageToken(offset, new SearchPosition(keys, after.GetProperty("id").GetString() ?? throw new FormatException("no id")),
                root.GetProperty("search").GetString());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new SearchSyntaxException($"Invalid page token, could not base64-decode or parse it: '{token}'", ex);
        }
    }

    /// <summary>A digest of what a search selects and how it orders it (not its page size): a token made by one search
    /// is refused by another.</summary>
    public static string Digest(RunSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var text = new StringBuilder();
        void Add(string? part) => text.Append(part?.Length.ToString(CultureInfo.InvariantCulture) ?? "-").Append(':').Append(part).Append('|');
        Add(search.Filter?.Trim());
        foreach (var clause in search.OrderBy)
        {
            Add(clause);
        }

        Add("experiments");
        foreach (var experiment in search.Experiments?.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
        {
            Add(experiment);
        }

        Add(search.Experiments is null ? "all" : "some");
        Add(search.Active ? "active" : null);
        Add(search.Deleted ? "deleted" : null);
        Add(search.Status?.ToString());
        Add(search.NameContains);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
