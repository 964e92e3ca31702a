namespace Runlens.Import.Core;

/// <summary>Where and why a JSON document stopped being readable.</summary>
/// <param name="Cause">What was wrong, without a position (<c>'}' is invalid after a value</c>).</param>
/// <param name="Offset">Byte offset in the file (a byte order mark counted).</param>
/// <param name="Line">1-based line of the offset.</param>
internal sealed record JsonDamage(string Cause, long Offset, int Line)
{
    /// <summary><c>offset N, line M</c>.</summary>
    public string Location => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"offset {Offset}, line {Line}");
}
