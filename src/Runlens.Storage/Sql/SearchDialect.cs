using Runlens.Storage.Search;

namespace Runlens.Storage.Sql;

/// <summary>What run search writes differently for each database: how text orders (by code point, as
/// <see cref="string.CompareOrdinal(string, string)"/> does for text without surrogate pairs), LIKE and ILIKE with
/// MLflow's pattern rules, and "contains, ignoring case".</summary>
internal abstract class SearchDialect
{
    /// <summary>A text expression as ORDER BY and &lt; &gt; compare it.</summary>
    public abstract string Ordered(string expression);

    /// <summary>Whether the database keeps the join order written with <c>CROSS JOIN</c> (SQLite), so that a search
    /// chooses where to start (<see cref="SearchDriver"/>); otherwise its planner does.</summary>
    public abstract bool FixesJoinOrder { get; }

    /// <summary>ORDER BY terms for a value, runs without one (NULL) last in both directions.</summary>
    public abstract IEnumerable<string> OrderTerms(string expression, bool ascending, bool nullable);

    /// <summary>A condition: <paramref name="expression"/> matches the pattern in <paramref name="parameter"/>.</summary>
    public abstract string Like(string expression, string parameter, bool ignoreCase);

    /// <summary>The parameter value for <see cref="Like"/>.</summary>
    public abstract string LikeValue(LikePattern pattern, bool ignoreCase);

    /// <summary>A condition: <paramref name="expression"/> contains the text in <paramref name="parameter"/>, ignoring case.</summary>
    public abstract string Contains(string expression, string parameter);

    /// <summary>The parameter value for <see cref="Contains"/>.</summary>
    public abstract string ContainsValue(string text);
}
