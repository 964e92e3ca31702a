namespace Runlens.Storage.Search;

/// <summary>A lexed piece of a filter or order_by clause.</summary>
/// <param name="Text">The raw text as written (quotes included): what error messages quote.</param>
/// <param name="Value">A string's unescaped content; a number's text; otherwise <see cref="Text"/>.</param>
/// <param name="Parts">An identifier's parts; empty for the other kinds.</param>
internal sealed record SearchToken(SearchTokenKind Kind, string Text, int Position, string Value, IReadOnlyList<IdentifierPart> Parts)
{
    private static readonly string[] Keywords = ["AND", "OR", "NOT", "IN", "LIKE", "ILIKE"];

    public int End => Position + Text.Length;

    /// <summary>A bare single-part identifier spelled <paramref name="word"/>, in any case.</summary>
    public bool IsWord(string word) =>
        Kind == SearchTokenKind.Identifier && Parts is [{ Quote: '\0' } part]
        && string.Equals(part.Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsKeyword => Array.Exists(Keywords, IsWord);

    /// <summary>A key that may start a clause: an identifier that is not a keyword.</summary>
    public bool IsKey => Kind == SearchTokenKind.Identifier && !IsKeyword;

    /// <summary>A string value: single-quoted, or double-quoted (which MLflow also accepts as a value).</summary>
    public string? QuotedString => Kind switch
    {
        SearchTokenKind.String => Value,
        SearchTokenKind.Identifier when Parts is [{ Quote: '"' } part] => part.Text,
        _ => null,
    };
}
