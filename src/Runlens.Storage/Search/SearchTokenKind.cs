namespace Runlens.Storage.Search;

internal enum SearchTokenKind
{
    /// <summary>A key: one or more dot-separated parts, each bare, <c>`backticked`</c> or <c>"double-quoted"</c>.
    /// Also keywords (AND, OR, IN, NOT, LIKE, ILIKE, ASC, DESC) and a double-quoted string value.</summary>
    Identifier,

    /// <summary>A single-quoted string.</summary>
    String,
    Number,

    /// <summary>A run of <c>&lt; &gt; = ! ~</c>: <c>&gt;=</c>, <c>!=</c>, but also <c>&lt;&lt;&lt;</c>.</summary>
    Operator,
    OpenParen,
    CloseParen,
    Comma,

    /// <summary>Anything else; always a syntax error where it appears.</summary>
    Other,
}
