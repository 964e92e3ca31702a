using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Runlens.Server.Auth;

/// <summary>
/// The bearer tokens of <c>--auth tokens.yaml</c>:
/// <code>
/// tokens:
///   - name: trainer        # who it is, for the log
///     token: "…"           # what the client sends: Authorization: Bearer …
///     scopes: [read, write]
/// </code>
/// <c>read</c> lets a token read runs; <c>write</c> lets it write them (and read, which every writer needs: MLflow
/// clients look their experiment up before logging).
/// </summary>
internal sealed class TokenFile
{
    private readonly Dictionary<string, (string Name, bool Read, bool Write)> _tokens;

    private TokenFile(Dictionary<string, (string, bool, bool)> tokens)
    {
        _tokens = tokens;
    }

    public int Count => _tokens.Count;

    public (string Name, bool Read, bool Write)? Find(string token) => _tokens.TryGetValue(token, out var t) ? t : null;

    /// <summary>Reads the file; a <see cref="FormatException"/> names the file, the line and what is wrong.</summary>
    public static TokenFile Load(string path)
    {
        Document? doc;
        try
        {
            doc = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<Document>(File.ReadAllText(path));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{path}: line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}. Expected 'tokens:' with a list of name/token/scopes entries.");
        }
        catch (IOException ex)
        {
            throw new FormatException($"{path}: cannot read the token file: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet stops with these (not a YamlException) on some malformed documents
            throw new FormatException($"{path}: not valid YAML. Expected 'tokens:' with a list of name/token/scopes entries.");
        }

        var tokens = new Dictionary<string, (string, bool, bool)>(StringComparer.Ordinal);
        foreach (var (entry, i) in (doc?.Tokens ?? []).Select((e, i) => (e, i + 1)))
        {
            if (entry is null)
            {
                throw new FormatException($"{path}: token #{i} is empty; give name, token and scopes for each entry under 'tokens:'.");
            }

            if (string.IsNullOrWhiteSpace(entry.Token) || entry.Token.Length < 8)
            {
                throw new FormatException($"{path}: token #{i} ({entry.Name ?? "unnamed"}): a token of at least 8 characters is required.");
            }

            var scopes = entry.Scopes ?? [];
            var unknown = scopes.FirstOrDefault(s => s is not ("read" or "write"));
            if (unknown is not null || scopes.Count == 0)
            {
                throw new FormatException($"{path}: token #{i} ({entry.Name ?? "unnamed"}): scopes must be read and/or write{(unknown is null ? "" : $", not '{unknown}'")}.");
            }

            if (!tokens.TryAdd(entry.Token, (entry.Name ?? $"token #{i}", true, scopes.Contains("write"))))
            {
                throw new FormatException($"{path}: token #{i} ({entry.Name ?? "unnamed"}) repeats an earlier token.");
            }
        }

        if (tokens.Count == 0)
        {
            throw new FormatException($"{path}: no tokens: with --auth the server would refuse every request. Add entries under 'tokens:'.");
        }

        return new TokenFile(tokens);
    }

    private sealed class Document
    {
        public List<Entry>? Tokens { get; set; }
    }

    private sealed class Entry
    {
        public string? Name { get; set; }

        public string? Token { get; set; }

        public List<string>? Scopes { get; set; }
    }
}
