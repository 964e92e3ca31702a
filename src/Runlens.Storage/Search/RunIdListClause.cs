namespace Runlens.Storage.Search;

/// <summary><c>run_id IN ('a', 'b')</c> and <c>run_id NOT IN (…)</c>; ids compare exactly.</summary>
internal sealed class RunIdListClause(IEnumerable<string> ids, bool negated) : FilterClause
{
    private readonly HashSet<string> _ids = new(ids, StringComparer.Ordinal);

    /// <summary>The ids, each once.</summary>
    public IReadOnlyCollection<string> Ids => _ids;

    /// <summary>NOT IN.</summary>
    public bool Negated { get; } = negated;

    public override bool Matches(RunRecord run) => _ids.Contains(run.Id) != Negated;
}
