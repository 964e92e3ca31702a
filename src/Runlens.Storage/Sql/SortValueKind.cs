namespace Runlens.Storage.Sql;

/// <summary>What a sort key's values are.</summary>
internal enum SortValueKind
{
    /// <summary>A metric's latest value.</summary>
    Double,

    /// <summary>A time in milliseconds since the Unix epoch.</summary>
    Long,

    /// <summary>Text, ordered by code point.</summary>
    Text,
}
