namespace Runlens.Storage.Search;

/// <summary>One dot-separated part of a key, unescaped.</summary>
/// <param name="Quote"><c>'\0'</c> when bare, else the quote character (<c>`</c> or <c>"</c>).</param>
internal readonly record struct IdentifierPart(string Text, char Quote);
