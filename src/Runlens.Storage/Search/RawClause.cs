namespace Runlens.Storage.Search;

/// <summary>A clause as written, before its key, value and comparator are checked.</summary>
/// <param name="Comparator">As written, keywords upper-cased: <c>&gt;=</c>, <c>LIKE</c>, <c>NOT IN</c>, <c>&lt;&lt;&lt;</c>.</param>
/// <param name="Value">The value token, or a list's tokens between its parentheses.</param>
/// <param name="ValueText">The value as written (a list with its parentheses), for error messages.</param>
internal sealed record RawClause(SearchToken Key, string Comparator, IReadOnlyList<SearchToken> Value, string ValueText, bool IsList)
{
    /// <summary>The single value token; null for a list.</summary>
    public SearchToken? Scalar => IsList ? null : Value[0];
}
