using Runlens.Storage.Search;
using Runlens.Storage.Sql;

namespace Runlens.Storage.Postgres;

/// <summary>Search in PostgreSQL: text orders in the "C" collation (by code point), whatever the database's; LIKE and
/// ILIKE are PostgreSQL's own (backslash escapes), with MLflow's pattern written out so that a trailing backslash is a
/// literal one.</summary>
internal sealed class PostgresSearchDialect : SearchDialect
{
    public static PostgresSearchDialect Instance { get; } = new();

    public override string Ordered(string expression) => expression + " COLLATE \"C\"";

    public override bool FixesJoinOrder => false;

    public override IEnumerable<string> OrderTerms(string expression, bool ascending, bool nullable) =>
        [expression + (ascending ? " ASC" : " DESC") + (nullable ? " NULLS LAST" : "")];

    public override string Like(string expression, string parameter, bool ignoreCase) =>
        $"{expression} {(ignoreCase ? "ILIKE" : "LIKE")} {parameter}";

    public override string LikeValue(LikePattern pattern, bool ignoreCase) =>
        pattern.Rewrite("%", "_", r => r.Value is '%' or '_' or '\\' ? "\\" + r : r.ToString());

    public override string Contains(string expression, string parameter) => $"strpos(lower({expression}), lower({parameter})) > 0";

    public override string ContainsValue(string text) => text;
}
