using Runlens.Storage.Search;
using Runlens.Storage.Sql;

namespace Runlens.Storage.Sqlite;

/// <summary>Search in SQLite: text orders by its bytes (UTF-8, so by code point); LIKE becomes GLOB (case-sensitive,
/// unlike SQLite's LIKE); ILIKE and "contains" compare text case-folded by <c>rl_fold</c>, a function each connection
/// registers (<see cref="LikePattern.FoldCase"/>), so they fold every letter, not only ASCII.</summary>
internal sealed class SqliteSearchDialect : SearchDialect
{
    public const string FoldFunction = "rl_fold";

    public static SqliteSearchDialect Instance { get; } = new();

    public override string Ordered(string expression) => expression;

    public override bool FixesJoinOrder => true;

    /// <remarks>SQLite sorts NULL first: last when descending, and after an <c>IS NULL</c> term when ascending.</remarks>
    public override IEnumerable<string> OrderTerms(string expression, bool ascending, bool nullable) =>
        ascending && nullable ? [expression + " IS NULL", expression + " ASC"] : [expression + (ascending ? " ASC" : " DESC")];

    public override string Like(string expression, string parameter, bool ignoreCase) =>
        ignoreCase ? $"{FoldFunction}({expression}) GLOB {parameter}" : $"{expression} GLOB {parameter}";

    public override string LikeValue(LikePattern pattern, bool ignoreCase) =>
        pattern.Rewrite("*", "?", r => r.Value is '*' or '?' or '[' ? "[" + r + "]" : r.ToString());

    public override string Contains(string expression, string parameter) => $"instr({FoldFunction}({expression}), {parameter}) > 0";

    public override string ContainsValue(string text) => LikePattern.FoldCase(text);
}
